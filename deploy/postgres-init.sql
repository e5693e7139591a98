-- Rasa's tracker store lives beside the API's database, in a database of its own.
CREATE DATABASE madoguchi_tracker OWNER madoguchi;
