# Instances of one block: each for_each key and count index is its own Guard resource, with its
# own companion.
resource "aws_s3_bucket" "this" {
  for_each = toset(["a", "b"])
  bucket   = "acme-${each.key}"
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id
  versioning_configuration {
    status = each.key == "a" ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket" "counted" {
  count  = 2
  bucket = "acme-counted-${count.index}"
}

resource "aws_s3_bucket_versioning" "counted" {
  count  = 1
  bucket = aws_s3_bucket.counted[count.index].id
  versioning_configuration {
    status = "Enabled"
  }
}
