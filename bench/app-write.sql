-- Application write: update a position's price (a single-row UPDATE by primary key).
-- :pmin/:pmax (the positions id range) are passed with pgbench -D.
\set pid random(:pmin, :pmax)
\set cents random(100, 10000000)
UPDATE positions
   SET current_price = :cents / 100.0
 WHERE id = :pid;
