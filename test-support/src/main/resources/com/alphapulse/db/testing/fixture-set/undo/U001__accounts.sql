DROP TABLE entries;
DROP TABLE accounts;
