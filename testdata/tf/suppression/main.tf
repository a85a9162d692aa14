# srm-lint:ignore[SRM-S3-004] access logs are shipped by the log router
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets" // srm-lint:ignore[SRM-S3-001] public website assets
}

resource "aws_s3_bucket" "bad" {
  # srm-lint:ignore[SRM-S3-002]
  bucket = "acme-bad"
}
