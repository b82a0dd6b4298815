-- counts rows
SELECT count()
FROM ${database}.${tabel}
