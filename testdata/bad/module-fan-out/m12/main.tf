module "a" {
  source = "../m13"
}
module "b" {
  source = "../m13"
}
module "c" {
  source = "../m13"
}
resource "aws_s3_bucket" "x" {
  bucket = "b"
}
