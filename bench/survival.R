# The R side of bench/survival.sh: the same analysis `kneeregen survival --group protocol --covariates
# age,kl,bmi` does, with R's survival package on the same CSV.
#
#   Rscript bench/survival.R IN.csv OUT_COEFFICIENTS
#
# Reads the file with base R's read.csv (data.table is not installed), with the column classes given so
# that R does not guess; fits survfit and survdiff by protocol and coxph (Efron) on age, kl and bmi; writes
# the Cox coefficients one per line with 17 significant digits, and prints to stderr the seconds spent
# reading, in survfit/quantile/survdiff and in coxph.
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
started <- proc.time()[["elapsed"]]
d <- read.csv(args[1], colClasses = c(knee_id = "integer", protocol = "character", age = "numeric",
                                      kl = "numeric", bmi = "numeric", days = "numeric", tka = "integer"))
read_s <- proc.time()[["elapsed"]] - started
started <- proc.time()[["elapsed"]]
km <- survfit(Surv(days, tka) ~ protocol, data = d)
medians <- quantile(km, 0.5)
lr <- survdiff(Surv(days, tka) ~ protocol, data = d)
km_s <- proc.time()[["elapsed"]] - started
started <- proc.time()[["elapsed"]]
cox <- coxph(Surv(days, tka) ~ age + kl + bmi, data = d, ties = "efron")
cox_s <- proc.time()[["elapsed"]] - started
writeLines(sprintf("%.17g", coef(cox)), args[2])
message(sprintf("read.csv %.2f s, survfit+quantile+survdiff %.2f s, coxph %.2f s (%d rows, log-rank chisq %.6f)",
                read_s, km_s, cox_s, nrow(d), lr$chisq))
