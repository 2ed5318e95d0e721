"""The admission rules: what may be recorded for a candidate, when, and what deserves a
warning (DESIGN "Stages"; reference admission_rules.md). Pure Python: plain dates in,
plain answers out.

- settings: RuleSettings, the rules' values (RULE_<FIELD> in the environment);
- facts: CandidateFacts and Readmission, what the rules are told about a candidate;
- verdict: the Verdict and its issue codes;
- dates: the dates the rules derive (probation end, certificate expiry, age 18,
  readmission);
- education: rule 3 and its exception for disadvantaged areas;
- admission: the conditions judged on the chi bộ's resolution (age, certificate,
  dossier, education, introducers, readmission);
- transitions: check_transition (one new event) and check_row (dates held together),
  the order of the stages and their dates.
"""
