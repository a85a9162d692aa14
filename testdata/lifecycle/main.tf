resource "aws_lambda_function" "past" {
  function_name = "past"
  role          = "arn:aws:iam::111122223333:role/fn"
  runtime       = "dotnet8"
  handler       = "Fn::Fn.Function::Handler"
  filename      = "fn.zip"
}

resource "aws_lambda_function" "soon" {
  function_name = "soon"
  role          = "arn:aws:iam::111122223333:role/fn"
  runtime       = "ruby3.3"
  handler       = "app.handler"
  filename      = "fn.zip"
}

resource "aws_lambda_function" "unlisted" {
  function_name = "unlisted"
  role          = "arn:aws:iam::111122223333:role/fn"
  runtime       = "python3.15"
  handler       = "app.handler"
  filename      = "fn.zip"
}

resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.32"
  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }
}
