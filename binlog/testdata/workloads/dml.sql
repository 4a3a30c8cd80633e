-- modes: FULL NO_LOG FULL:MINIMAL
--
-- dml: statement shapes rather than value types. Multi-row INSERT, UPDATE
-- and DELETE, multi-statement transactions, a rolled-back transaction
-- (not logged), rolled-back transactions that touched non-transactional
-- tables (one logged ending in ROLLBACK), savepoints, key-changing updates,
-- REPLACE and ON DUPLICATE KEY UPDATE, multi-table statements, DDL between
-- DML (ADD, DROP and reordered columns, type change, RENAME, DROP), a
-- second database, a statement split over several rows events and a
-- 100 KB blob.
SET time_zone = '+00:00';
SET TIMESTAMP = 1700000000;
SET NAMES utf8mb4;

CREATE DATABASE dml;
CREATE DATABASE other;
USE dml;

CREATE TABLE accounts (
  id INT PRIMARY KEY AUTO_INCREMENT,
  name VARCHAR(50) NOT NULL,
  balance DECIMAL(12,2) NOT NULL DEFAULT 0,
  updated DATETIME(6),
  UNIQUE KEY (name)
) ENGINE=InnoDB;

INSERT INTO accounts (name, balance, updated) VALUES
  ('alice', 100.00, NOW(6)), ('bob', 50.50, NOW(6)), ('carol', 0, NOW(6)), ('dave', -10.25, NOW(6));

-- Multi-row UPDATE and DELETE (autocommit).
SET TIMESTAMP = 1700000010;
UPDATE accounts SET balance = balance + 1, updated = NOW(6) WHERE id <= 3;
DELETE FROM accounts WHERE balance < 0;

-- A multi-statement transaction.
SET TIMESTAMP = 1700000020;
BEGIN;
INSERT INTO accounts (name, balance) VALUES ('erin', 5), ('frank', 6);
UPDATE accounts SET balance = balance - 5 WHERE name = 'alice';
DELETE FROM accounts WHERE name = 'carol';
COMMIT;

-- A rolled-back transaction on InnoDB only: nothing is logged.
BEGIN;
INSERT INTO accounts (name) VALUES ('ghost');
UPDATE accounts SET balance = 0;
ROLLBACK;

-- Non-transactional tables changed inside transactions that are rolled
-- back: the changes stay. In ROW format MariaDB logs them at once as their
-- own committed groups, so they appear before the next transaction.
CREATE TABLE audit (id INT PRIMARY KEY AUTO_INCREMENT, msg VARCHAR(100)) ENGINE=MyISAM;
CREATE TABLE audit_aria (id INT PRIMARY KEY AUTO_INCREMENT, msg VARCHAR(100)) ENGINE=Aria TRANSACTIONAL=0;
SET TIMESTAMP = 1700000030;
BEGIN;
INSERT INTO accounts (name, balance) VALUES ('heidi', 1);
INSERT INTO audit (msg) VALUES ('heidi created');
INSERT INTO audit_aria (msg) VALUES ('heidi created (aria)');
ROLLBACK;
-- Only statement logging keeps a non-transactional change inside the
-- transaction: this group is logged as BEGIN, two Query events, ROLLBACK.
SET SESSION binlog_format = 'STATEMENT';
SET SESSION binlog_direct_non_transactional_updates = 0;
SET TIMESTAMP = 1700000035;
BEGIN;
INSERT INTO accounts (name, balance) VALUES ('heidi', 2);
INSERT INTO audit (msg) VALUES ('heidi created again');
ROLLBACK;
SET SESSION binlog_format = 'ROW';

-- Savepoints.
SET TIMESTAMP = 1700000040;
BEGIN;
INSERT INTO accounts (name, balance) VALUES ('ivan', 7);
SAVEPOINT sp1;
INSERT INTO accounts (name, balance) VALUES ('judy', 8);
ROLLBACK TO SAVEPOINT sp1;
UPDATE accounts SET balance = 70 WHERE name = 'ivan';
COMMIT;

-- Key-changing updates: primary key and unique key.
SET TIMESTAMP = 1700000050;
UPDATE accounts SET id = id + 100 WHERE name IN ('alice', 'bob');
UPDATE accounts SET name = CONCAT(name, '2') WHERE name = 'erin';

-- REPLACE and INSERT ... ON DUPLICATE KEY UPDATE.
REPLACE INTO accounts (id, name, balance) VALUES (101, 'alice', 999.99);
INSERT INTO accounts (id, name, balance) VALUES (102, 'bob', 1)
  ON DUPLICATE KEY UPDATE balance = balance + VALUES(balance);

-- Another database, changed in the same transaction as this one.
CREATE TABLE other.log (id INT PRIMARY KEY, note TEXT) ENGINE=InnoDB;
SET TIMESTAMP = 1700000060;
BEGIN;
INSERT INTO other.log VALUES (1, 'first'), (2, 'second');
UPDATE accounts SET balance = balance * 2 WHERE id = 101;
COMMIT;

-- Multi-table UPDATE and DELETE.
UPDATE accounts a JOIN other.log l ON l.id = 1 SET a.balance = a.balance + 1, l.note = 'touched' WHERE a.name = 'frank';
DELETE a, l FROM accounts a JOIN other.log l ON l.id = 2 WHERE a.name = 'ivan';

-- DDL between DML: every change of shape gets a new table map.
SET TIMESTAMP = 1700000070;
CREATE TABLE items (
  id INT PRIMARY KEY,
  name VARCHAR(30),
  price DECIMAL(8,2)
) ENGINE=InnoDB;
INSERT INTO items VALUES (1, 'pen', 1.50), (2, 'book', 12.00);
ALTER TABLE items ADD COLUMN qty SMALLINT NOT NULL DEFAULT 0;
INSERT INTO items VALUES (3, 'lamp', 20.00, 4);
UPDATE items SET qty = 10 WHERE id = 1;
ALTER TABLE items DROP COLUMN name;
INSERT INTO items VALUES (4, 5.00, 1);
ALTER TABLE items MODIFY COLUMN qty SMALLINT NOT NULL DEFAULT 0 AFTER id;
INSERT INTO items VALUES (5, 2, 7.25);
ALTER TABLE items MODIFY COLUMN qty BIGINT NOT NULL DEFAULT 0, ADD COLUMN label VARCHAR(20) CHARACTER SET latin1 FIRST;
INSERT INTO items VALUES ('café', 6, 3, 1.00);
RENAME TABLE items TO products;
UPDATE products SET price = price + 1 WHERE id >= 5;
DELETE FROM products WHERE id = 2;
CREATE TABLE scratch (id INT PRIMARY KEY) ENGINE=InnoDB;
INSERT INTO scratch VALUES (1), (2);
DROP TABLE scratch;
CREATE TABLE products_copy ENGINE=InnoDB AS SELECT * FROM products;
TRUNCATE TABLE audit_aria;

-- One statement, many rows: split over several rows events.
SET TIMESTAMP = 1700000080;
CREATE TABLE many (id INT PRIMARY KEY, v VARCHAR(64), n BIGINT) ENGINE=InnoDB;
INSERT INTO many SELECT seq, CONCAT('row-', seq, '-', REPEAT('x', 40)), seq * 1000003 FROM seq_1_to_600;
UPDATE many SET n = -n WHERE id % 3 = 0;
DELETE FROM many WHERE id > 400;

-- A 100 KB blob: one row larger than binlog_row_event_max_size.
SET TIMESTAMP = 1700000090;
CREATE TABLE big (id INT PRIMARY KEY, tag VARCHAR(10), data LONGBLOB) ENGINE=InnoDB;
INSERT INTO big VALUES (1, 'v1', REPEAT(x'00010203fffe', 17067));
UPDATE big SET tag = 'v2' WHERE id = 1;
