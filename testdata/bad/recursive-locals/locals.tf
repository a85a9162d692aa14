locals {
  a = local.b
  b = local.a
  c = "${local.c}${local.c}"
}

resource "aws_s3_bucket" "loop" {
  bucket = local.c
  versioning {
    enabled = local.a
  }
}
