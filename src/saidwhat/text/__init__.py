"""Reading one text safely: validation, repairs with an offset map, quotes, boilerplate, dates."""
