resource "aws_s3_bucket" "good" {
  bucket = "good"
}

module "up" {
  source = "../elsewhere"
}

module "etc" {
  source = "../../../../../../../../etc"
}

module "abs" {
  source = "/etc"
}
