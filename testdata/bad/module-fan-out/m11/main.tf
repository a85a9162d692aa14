module "a" {
  source = "../m12"
}
module "b" {
  source = "../m12"
}
module "c" {
  source = "../m12"
}
resource "aws_s3_bucket" "x" {
  bucket = "b"
}
