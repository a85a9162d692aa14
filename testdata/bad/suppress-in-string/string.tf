# Every marker in this file is text inside a string, not a comment: none silences SRM-S3-004.
resource "aws_s3_bucket" "quoted" {
  bucket = "x # srm-lint:ignore[SRM-S3-004] hidden"
}

resource "aws_s3_bucket" "interpolated" {
  bucket = "${lower("X")} // srm-lint:ignore[SRM-S3-004] hidden"
}

resource "aws_s3_bucket" "heredoc" {
  bucket = "heredoc"
  tags = {
    note = <<EOF
# srm-lint:ignore[SRM-S3-004] hidden
EOF
  }
}

resource "aws_s3_bucket" "indented_heredoc" {
  bucket = "indented-heredoc"
  tags = {
    note = <<-EOT
      # srm-lint:ignore[SRM-S3-004] hidden
    EOT
  }
}
