"""Many articles: the unit of work shared by ingest and Spark, the process pool, the Spark job."""
