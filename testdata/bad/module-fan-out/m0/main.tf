module "a" {
  source = "../m1"
}
module "b" {
  source = "../m1"
}
module "c" {
  source = "../m1"
}
resource "aws_s3_bucket" "x" {
  bucket = "b"
}
