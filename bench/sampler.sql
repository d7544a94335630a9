-- Lock-wait sampler, run by psql with \watch 0.1 (every 100 ms), connected to
-- the "postgres" database so it never blocks CREATE DATABASE ... TEMPLATE.
-- now() is the same for every row of one sample. One 'tick' row per sample, plus one row per backend waiting on a heavyweight
-- lock: epoch|kind|pid|user|query_start_epoch|lock wait event|blocking pids|
-- waiting statement|blocking statement(s). Fields are '|' separated (psql -A).
SELECT extract(epoch FROM now())::numeric(16,3), 'tick', 0, '', 0, '', '', '', ''
UNION ALL
SELECT extract(epoch FROM now())::numeric(16,3), 'wait', a.pid, a.usename,
       extract(epoch FROM a.query_start)::numeric(16,3), a.wait_event,
       array_to_string(pg_blocking_pids(a.pid), ','),
       left(regexp_replace(a.query, '\s+', ' ', 'g'), 160),
       (SELECT string_agg(b.usename || ':' || left(regexp_replace(b.query, '\s+', ' ', 'g'), 160), ' || ')
          FROM pg_stat_activity b
         WHERE b.pid = ANY (pg_blocking_pids(a.pid)))
  FROM pg_stat_activity a
 WHERE a.wait_event_type = 'Lock'
