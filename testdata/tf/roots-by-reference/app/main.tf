# A root module whose archive points into a sibling directory: "../lambda" is a path, not a
# module call, so lambda/ stays a root module of its own.
data "archive_file" "handler" {
  type        = "zip"
  source_dir  = "../lambda"
  output_path = "build/handler.zip"
}

resource "aws_s3_bucket" "app" {
  bucket = "app-artifacts"
}
