-- modes: FULL
--
-- sample: a little shop, for the README and examples. Customers place
-- orders; one order is cancelled, a price changes, a customer leaves.
SET time_zone = '+00:00';
SET NAMES utf8mb4;
SET TIMESTAMP = 1717200000;

CREATE DATABASE shop;
USE shop;

CREATE TABLE customers (
  id INT PRIMARY KEY AUTO_INCREMENT,
  email VARCHAR(100) NOT NULL UNIQUE,
  name VARCHAR(100) NOT NULL,
  created_at DATETIME NOT NULL
) ENGINE=InnoDB;

CREATE TABLE products (
  id INT PRIMARY KEY AUTO_INCREMENT,
  sku VARCHAR(20) NOT NULL UNIQUE,
  title VARCHAR(200) NOT NULL,
  price DECIMAL(10,2) NOT NULL,
  stock INT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB;

CREATE TABLE orders (
  id INT PRIMARY KEY AUTO_INCREMENT,
  customer_id INT NOT NULL,
  status ENUM('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  total DECIMAL(10,2) NOT NULL DEFAULT 0,
  placed_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY (customer_id)
) ENGINE=InnoDB;

CREATE TABLE order_items (
  order_id INT NOT NULL,
  product_id INT NOT NULL,
  qty SMALLINT UNSIGNED NOT NULL,
  unit_price DECIMAL(10,2) NOT NULL,
  PRIMARY KEY (order_id, product_id)
) ENGINE=InnoDB;

INSERT INTO customers (email, name, created_at) VALUES
  ('ana@example.com', 'Ana Souza', NOW()),
  ('li@example.com', 'Li Wei 李伟', NOW()),
  ('otto@example.com', 'Otto Müller', NOW());

INSERT INTO products (sku, title, price, stock) VALUES
  ('MUG-01', 'Coffee mug', 9.90, 100),
  ('TEE-M', 'T-shirt, size M', 19.00, 40),
  ('BOOK-7', 'The Binary Log, 2nd edition', 42.50, 12);

SET TIMESTAMP = 1717200600;
BEGIN;
INSERT INTO orders (customer_id, total) VALUES (1, 38.80);
INSERT INTO order_items VALUES (1, 1, 2, 9.90), (1, 2, 1, 19.00);
UPDATE products SET stock = stock - 2 WHERE id = 1;
UPDATE products SET stock = stock - 1 WHERE id = 2;
COMMIT;

SET TIMESTAMP = 1717201200;
BEGIN;
INSERT INTO orders (customer_id, total) VALUES (2, 42.50);
INSERT INTO order_items VALUES (2, 3, 1, 42.50);
UPDATE products SET stock = stock - 1 WHERE id = 3;
COMMIT;

SET TIMESTAMP = 1717203000;
UPDATE orders SET status = 'paid' WHERE id IN (1, 2);
UPDATE products SET price = 21.00 WHERE sku = 'TEE-M';

SET TIMESTAMP = 1717206600;
BEGIN;
UPDATE orders SET status = 'cancelled' WHERE id = 2;
UPDATE products SET stock = stock + 1 WHERE id = 3;
COMMIT;

SET TIMESTAMP = 1717210200;
DELETE FROM customers WHERE email = 'otto@example.com';
UPDATE orders SET status = 'shipped' WHERE id = 1;
