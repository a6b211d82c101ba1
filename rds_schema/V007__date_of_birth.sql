-- A child's thresholds change within the first year, so an age in whole years cannot choose them: a date of birth,
-- when recorded, gives the age in completed months at each reading (the recorded age is still accepted).
ALTER TABLE patients_information
  ADD COLUMN IF NOT EXISTS date_of_birth DATE NULL;
