resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Suspended"
  }
}

resource "aws_s3_bucket" "scratch" {
  bucket = "acme-scratch"
}

# srm-lint:ignore[guard/s3_versioning_enabled] build cache, rebuilt from source
resource "aws_s3_bucket" "cache" {
  bucket = "acme-cache"
}

resource "aws_sqs_queue" "jobs" {
  name = "acme-jobs"
}

resource "aws_route53_zone" "main" {
  name = "example.com"
}
