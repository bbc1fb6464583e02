cat <<EOF | psql
DROP TABLE t;
EOF
