variable "region" {
  default = "eu-west-1"
}

variable "kms_key_arn" {
  type        = string
  description = "Key for the queue"
}

variable "encrypt_db" {
  type = bool
}
