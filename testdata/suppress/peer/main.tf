resource "aws_s3_bucket" "b" {
  #checkov:skip=CKV_AWS_18:logs go to the central account
  #checkov:skip=CKV_AWS_999:not ours
  bucket = "x"
}

#trivy:ignore:AVD-AWS-0089
resource "aws_s3_bucket" "c" {
  bucket = "y #checkov:skip=CKV_AWS_21:hidden"
}
