module "a" {
  source = "../m5"
}
module "b" {
  source = "../m5"
}
module "c" {
  source = "../m5"
}
resource "aws_s3_bucket" "x" {
  bucket = "b"
}
