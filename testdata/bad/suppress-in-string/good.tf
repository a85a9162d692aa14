# srm-lint:ignore[SRM-S3-004] build cache, recreated on every pipeline run
resource "aws_s3_bucket" "commented" {
  bucket = "acme-build-cache"
}

resource "aws_s3_bucket" "same_line" {
  bucket = "acme-#-scratch" # srm-lint:ignore[SRM-S3-004] scratch space, emptied nightly
}
