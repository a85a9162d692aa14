# srm-lint:ignore[SRM-S3-004] build cache, recreated on every pipeline run
resource "aws_s3_bucket" "cache" {
  bucket = "acme-build-cache"
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
}

# srm-lint:ignore[SRM-S3-004] versioned by the companion below
resource "aws_s3_bucket" "audit" {
  bucket = "acme-audit"
}

resource "aws_s3_bucket_versioning" "audit" {
  bucket = aws_s3_bucket.audit.id
  versioning_configuration {
    status = "Enabled"
  }
}
