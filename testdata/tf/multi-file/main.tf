resource "aws_s3_bucket" "logs" {
  bucket = "${local.prefix}-logs"

  tags = {
    Team = "platform"
  }
}
