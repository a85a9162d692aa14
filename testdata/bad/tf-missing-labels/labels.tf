resource "aws_s3_bucket" {
  bucket = "no-name"
}

module {
  source = "./m"
}
