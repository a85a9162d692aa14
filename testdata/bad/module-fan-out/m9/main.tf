module "a" {
  source = "../m10"
}
module "b" {
  source = "../m10"
}
module "c" {
  source = "../m10"
}
resource "aws_s3_bucket" "x" {
  bucket = "b"
}
