locals {
  # Also a path, not a module call.
  logs_dir = "../logs"
}

resource "aws_s3_bucket" "code" {
  bucket = "lambda-code"
}

resource "aws_s3_bucket_versioning" "code" {
  bucket = aws_s3_bucket.code.id
  versioning_configuration {
    status = "Enabled"
  }
}
