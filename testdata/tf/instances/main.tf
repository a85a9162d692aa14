locals {
  buckets = {
    alpha = { versioned = "Enabled" }
    beta  = { versioned = "Suspended" }
  }
}

resource "aws_s3_bucket" "this" {
  for_each = local.buckets
  bucket   = "data-${each.key}"
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id

  versioning_configuration {
    status = local.buckets[each.key].versioned
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each                = aws_s3_bucket.this
  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = each.key == "alpha"
}

resource "aws_s3_bucket" "logs" {
  count  = 2
  bucket = "logs-${count.index}"
}

resource "aws_s3_bucket_public_access_block" "logs" {
  count                   = 2
  bucket                  = aws_s3_bucket.logs[count.index].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = count.index == 0
}

variable "names" {
  type = set(string)
}

resource "aws_sns_topic" "unknown" {
  for_each = var.names
  name     = each.key
}

module "db" {
  source            = "./modules/db"
  count             = 2
  storage_encrypted = count.index == 0
}

module "site" {
  source            = "./modules/db"
  for_each          = toset(["prod"])
  storage_encrypted = false
}
