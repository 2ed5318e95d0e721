"""WTForms classes. They check shape and format only and never query the database."""
