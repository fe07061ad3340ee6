# Regenerates the survival golden files from R's survival package (the reference the C++ code is held to).
#
#   cd tests/golden/survival && Rscript regenerate.R
#
# Needs R >= 4.2 with survival (Debian: r-cran-survival; these files were made with R 4.2.2, survival
# 3.5-3). It writes the inputs lung.csv and veteran.csv (exported from the survival package's data sets),
# knee_registry.csv (synthetic, drawn with set.seed so it never changes) and edge_cases.csv (small, by
# hand); then it reads each CSV back and writes <name>.expected.json with what survfit, quantile.survfit,
# survdiff and coxph (Efron and Breslow) give on it. Cox uses the rows with no missing covariate. Numbers
# are written with 17 significant digits; null stands for R's NA.
suppressPackageStartupMessages(library(survival))

write_inputs <- function() {
  lung_out <- data.frame(time = lung$time, status = as.integer(lung$status == 2), sex = lung$sex,
                         age = lung$age, ph.ecog = lung$ph.ecog)
  write.csv(lung_out, "lung.csv", row.names = FALSE, na = "", quote = FALSE)
  vet_out <- data.frame(time = veteran$time, status = veteran$status, trt = veteran$trt,
                        karno = veteran$karno, age = veteran$age, diagtime = veteran$diagtime)
  write.csv(vet_out, "veteran.csv", row.names = FALSE, na = "", quote = FALSE)

  # A synthetic knee registry: months to knee replacement after a regenerative protocol, recorded in whole
  # months so that events and censorings tie heavily. SYNTHETIC DATA, not patients.
  set.seed(20261201)
  n <- 360
  protocol <- sample(c("PRP", "BMAC", "HA"), n, replace = TRUE, prob = c(0.4, 0.35, 0.25))
  age <- round(rnorm(n, 58, 9))
  kl <- sample(2:4, n, replace = TRUE, prob = c(0.35, 0.4, 0.25))
  bmi <- round(rnorm(n, 28, 4), 1)
  male <- rbinom(n, 1, 0.45)
  risk <- 0.012 * exp(0.03 * (age - 58) + 0.5 * (kl - 2) + 0.04 * (bmi - 28) - 0.2 * male +
                      ifelse(protocol == "HA", 0.35, ifelse(protocol == "BMAC", -0.15, 0)))
  event_month <- rexp(n, risk)
  follow_up <- runif(n, 6, 60)
  months <- pmax(1, ceiling(pmin(event_month, follow_up)))
  tka <- as.integer(event_month <= follow_up)
  knee <- data.frame(months = months, tka = tka, protocol = protocol, age = age, kl = kl, bmi = bmi,
                     male = male)
  write.csv(knee, "knee_registry.csv", row.names = FALSE, quote = FALSE)

  # Small cases written out by hand for the rules that the large files rarely reach: events and
  # censorings at the same time (group A, B), a group with no events (C), a curve that falls to 0 and sits
  # exactly on 0.5 between two times (D: median 2.5, no upper limit), and a curve that ends on 0.5 (E: the
  # median averages with the last follow-up time).
  edge <- data.frame(
    time = c(1, 2, 2, 3, 4, 5, 5, 5, 6, 8, 2, 4, 7, 1, 2, 3, 4, 1, 3),
    status = c(1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0),
    arm = c("A", "A", "A", "A", "A", "B", "B", "B", "B", "B", "C", "C", "C", "D", "D", "D", "D", "E", "E"),
    x = c(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1))
  write.csv(edge, "edge_cases.csv", row.names = FALSE, quote = FALSE)
}

num <- function(x) ifelse(is.na(x) | !is.finite(x), "null", sprintf("%.17g", x))
arr <- function(x) if (length(x) == 0) "[]" else paste0("[", paste(num(x), collapse = ","), "]")
scalar <- function(x) num(x)[1]
obj <- function(...) {
  fields <- list(...)
  paste0("{", paste(sprintf("\"%s\":%s", names(fields), unlist(fields)), collapse = ","), "}")
}

km_json <- function(time, status) {
  fit <- survfit(Surv(time, status) ~ 1)
  s <- summary(fit)  # rows at event times only
  q <- quantile(fit, 0.5)
  obj(n = scalar(fit$n), time = arr(s$time), n_risk = arr(s$n.risk), n_event = arr(s$n.event),
      n_censor = arr(fit$n.censor[fit$n.event > 0]), survival = arr(s$surv), std_err = arr(s$std.err),
      lower = arr(s$lower), upper = arr(s$upper), median = scalar(q$quantile), median_lower = scalar(q$lower),
      median_upper = scalar(q$upper))
}

cox_json <- function(formula, data, ties) {
  fit <- coxph(formula, data = data, ties = ties)
  obj(coef = arr(unname(coef(fit))), se = arr(unname(sqrt(diag(fit$var)))),
      p = arr(unname(summary(fit)$coefficients[, "Pr(>|z|)"])), loglik = arr(fit$loglik),
      iterations = scalar(fit$iter))
}

expected <- function(name, time_col, event_col, group_col, covariates) {
  d <- read.csv(paste0(name, ".csv"), colClasses = c(setNames("character", group_col)))
  time <- d[[time_col]]
  status <- d[[event_col]]
  group <- d[[group_col]]
  groups <- unique(group)  # order of first appearance, as the CLI prints them
  km_groups <- sapply(groups, function(g) km_json(time[group == g], status[group == g]))
  lr <- survdiff(Surv(time, status) ~ group)
  lr_order <- match(groups, sub("^group=", "", names(lr$n)))
  complete <- d[complete.cases(d[, c(time_col, event_col, covariates)]), ]
  formula <- as.formula(paste0("Surv(", time_col, ", ", event_col, ") ~ ", paste(covariates, collapse = " + ")))
  json <- obj(
    source = sprintf("\"%s, survival %s: survfit, quantile, survdiff, coxph on %s.csv\"",
                     R.version.string, packageVersion("survival"), name),
    time = sprintf("\"%s\"", time_col), event = sprintf("\"%s\"", event_col),
    group = sprintf("\"%s\"", group_col),
    covariates = paste0("[", paste(sprintf("\"%s\"", covariates), collapse = ","), "]"),
    cox_rows = scalar(nrow(complete)),
    km_all = km_json(time, status),
    km_groups = paste0("{", paste(sprintf("\"%s\":%s", groups, km_groups), collapse = ","), "}"),
    group_order = paste0("[", paste(sprintf("\"%s\"", groups), collapse = ","), "]"),
    logrank = obj(chisq = scalar(lr$chisq), df = scalar(sum(lr$exp > 0) - 1), p = scalar(lr$pvalue),
                  observed = arr(lr$obs[lr_order]), expected = arr(lr$exp[lr_order])),
    cox_efron = cox_json(formula, complete, "efron"),
    cox_breslow = cox_json(formula, complete, "breslow"))
  writeLines(json, paste0(name, ".expected.json"))
}

write_inputs()
expected("lung", "time", "status", "sex", c("age", "sex", "ph.ecog"))
expected("veteran", "time", "status", "trt", c("karno", "age", "diagtime"))
expected("knee_registry", "months", "tka", "protocol", c("age", "kl", "bmi", "male"))
expected("edge_cases", "time", "status", "arm", c("x"))
