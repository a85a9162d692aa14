module "logs" {
  source     = "./modules/bucket"
  name       = "acme-logs"
  versioning = false
}

module "data" {
  source     = "./modules/bucket"
  name       = "acme-data"
  versioning = true
}

output "data_arn" {
  value = module.data.arn
}
