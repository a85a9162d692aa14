variable "storage_encrypted" {
  type    = bool
  default = true
}

resource "aws_db_instance" "this" {
  identifier        = "db"
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  storage_encrypted = var.storage_encrypted
}
