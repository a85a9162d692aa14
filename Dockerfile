# syntax=docker/dockerfile:1
# srm-lint as a minimal container image: a static musl binary with CloudFormation Guard support,
# on distroless/static (no shell, no package manager), run as a non-root user.
#
#   docker build -t srm-lint .
#   docker run --rm -v "$PWD:/src" srm-lint .
#
# The release workflow builds it natively on amd64 and arm64 runners and pushes
# ghcr.io/srm-lint/srm-lint:<version> and :latest as one multi-arch image.

# ---- build: a static binary (Alpine's Rust targets *-unknown-linux-musl, static by default)
FROM rust:1-alpine AS build
# musl-dev: libc headers and crt objects for mimalloc's C code and the final link.
RUN apk add --no-cache musl-dev
WORKDIR /build
# Only what the build reads (the manifest names benches/stages.rs, so it comes too). The cache
# mounts keep the registry and target/ between local builds.
COPY Cargo.toml Cargo.lock build.rs ./
COPY vendor ./vendor
COPY benches ./benches
COPY policies ./policies
COPY src ./src
# Stripped by cargo (Alpine's base has no binutils). The binary must be static, or the
# distroless/static image cannot run it: musl's ldd lists a dynamic binary's libraries with "=>".
ENV CARGO_PROFILE_RELEASE_STRIP=symbols
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/build/target \
    cargo build --release --locked --features guard --bin srm-lint \
    && cp target/release/srm-lint /srm-lint \
    && ! ldd /srm-lint 2>/dev/null | grep -q '=>' \
    && /srm-lint --version

# ---- run: distroless/static has /etc/passwd with `nonroot` (65532), /tmp and CA certificates.
FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="srm-lint" \
      org.opencontainers.image.description="AWS Shared Responsibility checklist for Terraform and CloudFormation" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/srm-lint/srm-lint"
COPY --from=build /srm-lint /usr/local/bin/srm-lint
USER nonroot:nonroot
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/srm-lint"]
