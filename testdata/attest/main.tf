resource "aws_s3_bucket" "invoices" {
  bucket = "acme-invoices"
  tags = {
    owner = "finance"
  }
}

resource "aws_s3_bucket" "legacy_exports" {
  bucket = "acme-legacy-exports"
}

resource "aws_s3_bucket" "scratch" {
  bucket = "acme-scratch"
}
