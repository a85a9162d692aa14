module "a" {
  source = "../m2"
}
module "b" {
  source = "../m2"
}
module "c" {
  source = "../m2"
}
resource "aws_s3_bucket" "x" {
  bucket = "b"
}
