module "a" {
  source = "../m9"
}
module "b" {
  source = "../m9"
}
module "c" {
  source = "../m9"
}
resource "aws_s3_bucket" "x" {
  bucket = "b"
}
