ssh host <<'EOF'
sudo reboot
EOF
