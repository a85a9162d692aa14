module "a" {
  source = "../m7"
}
module "b" {
  source = "../m7"
}
module "c" {
  source = "../m7"
}
resource "aws_s3_bucket" "x" {
  bucket = "b"
}
