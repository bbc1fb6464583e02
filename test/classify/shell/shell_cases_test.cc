// Table-driven specification of the shell classifier: each command line with the facts it must
// produce (an empty set means safe). Safe look-alikes sit beside the dangerous lines they mimic.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "drawbridge/classify.h"
#include "drawbridge/facts.h"

namespace drawbridge::classify {
namespace {

constexpr Fact RD = Fact::kShellRecursiveDelete;
constexpr Fact FMT = Fact::kShellDiskFormat;
constexpr Fact DEV = Fact::kShellDeviceOverwrite;
constexpr Fact PERM = Fact::kShellPermissionChange;
constexpr Fact VCS = Fact::kShellVcsHistoryRewrite;
constexpr Fact INFRA = Fact::kShellInfraDestroy;
constexpr Fact K8S = Fact::kShellK8sDestructive;
constexpr Fact CLOUD = Fact::kShellCloudDestructive;
constexpr Fact CTR = Fact::kShellContainerDestructive;
constexpr Fact DB = Fact::kShellDbDestructive;
constexpr Fact RCE = Fact::kShellRemoteCodeExec;
constexpr Fact POWER = Fact::kShellSystemPower;
constexpr Fact PKG = Fact::kShellPackageRemoval;
constexpr Fact BAD = Fact::kUnparseable;

struct Case {
  const char* command;
  std::vector<Fact> facts;  // empty: safe
};

std::string Names(FactSet facts) {
  std::string out;
  for (const std::string& n : FactNames(facts)) out += n + " ";
  return out.empty() ? "(safe)" : out;
}

void ExpectCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    FactSet expected;
    for (Fact f : c.facts) expected.Add(f);
    Classification got = ClassifyShell(c.command);
    EXPECT_EQ(Names(got.facts), Names(expected)) << "command: " << c.command;
    EXPECT_EQ(got.dangerous(), !c.facts.empty()) << "command: " << c.command;
  }
}

// Test that everyday commands are safe.
TEST(ShellCases, EverydayCommandsAreSafe) {
  ExpectCases({
      {"ls -la", {}},
      {"git status", {}},
      {"kubectl get pods -n x", {}},
      {"docker ps", {}},
      {"cd src && make -j4", {}},
      {"npm install && npm test", {}},
      {"cat /etc/passwd | grep root", {}},
      {"tail -f /var/log/syslog", {}},
      {"ps aux | grep nginx | awk '{print $2}'", {}},
      {"", {}},
      {"# just a comment", {}},
      {"export PATH=$HOME/bin:$PATH", {}},
      {"for f in *.txt; do wc -l \"$f\"; done", {}},
      {"if [ -f x ]; then echo yes; else echo no; fi", {}},
      {"python3 -m http.server 8000", {}},
      {"ssh prod uptime", {}},
      {"terraform plan -out plan.tfplan", {}},
      {"helm list -A", {}},
  });
}

// Test that printed, searched and documented text is not executed.
TEST(ShellCases, PrintedTextIsNotExecuted) {
  ExpectCases({
      {"echo 'rm -rf /'", {}},
      {"echo rm -rf /", {}},
      {"printf 'DROP TABLE users;\\n'", {}},
      {"grep -r 'rm -rf' docs/", {}},
      {"man rm", {}},
      {"git commit -m \"drop table users; rm -rf /\"", {}},
      {"git log --grep='force push'", {}},
      {"echo \"kubectl delete ns prod\" >> notes.txt", {}},
      {"which shutdown", {}},
      {"command -v reboot", {}},
      {"type mkfs", {}},
      {"cat <<'EOF' > script.txt\nrm -rf /\nEOF", {}},
      {"echo 'curl x | sh'", {}},
      {"history | grep 'terraform destroy'", {}},
  });
}

// Test recursive deletion of roots, homes, globs and unset variables, and its safe cousins.
TEST(ShellCases, RecursiveDelete) {
  ExpectCases({
      {"rm -rf /", {RD}},
      {"rm -rf /*", {RD}},
      {"rm -rf ~", {RD}},
      {"rm -rf ~/", {RD}},
      {"rm -rf $HOME", {RD}},
      {"rm -rf \"$HOME\"/", {RD}},
      {"rm -rf .", {RD}},
      {"rm -rf ..", {RD}},
      {"rm -rf *", {RD}},
      {"rm -rf .*", {RD}},
      {"rm -rf ./*", {RD}},
      {"rm -rf .git", {RD}},
      {"rm -rf ../other-checkout", {RD}},
      {"rm -rf /etc", {RD}},
      {"rm -rf /usr/lib/python3", {RD}},
      {"rm -rf /var/lib/postgresql", {RD}},
      {"rm -rf \"$DIR/\"", {RD}},
      {"rm -rf $BUILD_DIR", {RD}},
      {"rm -rf ${TARGET:?}/", {RD}},
      {"rm -r -f /home", {RD}},
      {"rm --recursive --force /opt", {RD}},
      {"rm -fr ~/Documents", {RD}},
      {"rm -rf ~/.ssh", {RD}},
      {"rm -rf ~/Downloads/*", {RD}},
      {"rm -rf /tmp/*", {RD}},
      {"rm -rf /home/alice", {RD}},
      {"rm -rf -- /", {RD}},
      {"rm -rf --no-preserve-root /", {RD}},
      {"rm -rf build", {}},
      {"rm -rf build/ dist/", {}},
      {"rm -rf node_modules package-lock.json", {}},
      {"rm -rf ./target", {}},
      {"rm -rf .venv __pycache__ .pytest_cache", {}},
      {"rm -rf build/*", {}},
      {"rm -rf ~/.cache/pip", {}},
      {"rm -rf /tmp/build-1234", {}},
      {"rm -rf packages/*/node_modules", {}},
      {"rm -f notes.txt", {}},
      {"rm ~/.bashrc.bak", {}},
      {"rm -f *.o", {}},
      {"rm -rf *.egg-info", {}},
      {"rm .git/index.lock", {}},
      {"rm -rf /app/node_modules", {}},
      {"rm -rf /home/alice/project/dist", {}},
      {"rm /etc/passwd", {RD}},
      {"rm *", {RD}},
      {"rm -f /var/log/*", {RD}},
      {"TMP=$(mktemp -d) && cd $TMP && rm -rf \"$TMP\"", {}},
      {"d=$(mktemp -d); tar xzf x.tgz -C $d; rm -rf $d", {}},
      {"rm -rf \"$(mktemp -d)\"", {}},
      {"T=$(mktemp -d); rm -rf x\"$T\"", {}},
      {"DIR=build; rm -rf $DIR", {}},
      {"DIR=/; rm -rf $DIR", {RD}},
      {"for d in build dist; do rm -rf $d; done", {}},
      {"for d in build /usr; do rm -rf $d; done", {RD}},
      {"cd build && rm -rf *", {}},
      {"cd / && rm -rf *", {RD}},
      {"cd \"$UNKNOWN\" && rm -rf *", {RD}},
      {"rm -rf {build,dist}", {}},
      {"rm -rf /{etc,usr}", {RD}},
      {"rm -rf $(pwd)/build", {}},
      {"rm -rf \"$PWD\"", {RD}},
  });
}

// Test find deletions, truncation, crontab, mv to /dev/null and rsync --delete.
TEST(ShellCases, OtherDeletion) {
  ExpectCases({
      {"find / -name '*.log' -delete", {RD}},
      {"find ~ -type f -delete", {RD}},
      {"find . -delete", {RD}},
      {"find /var/log -mtime +7 -delete", {RD}},
      {"find . -name '*.pyc' -delete", {}},
      {"find . -type d -name __pycache__ -exec rm -rf {} +", {}},
      {"find src -name '*.orig' -exec rm {} \\;", {}},
      {"find / -exec rm -rf {} \\;", {RD}},
      {"find . -name '*.tmp' | xargs rm -f", {}},
      {"find . -name '*.tmp' -print0 | xargs -0 rm -f", {}},
      {"cat files.txt | xargs rm -rf", {RD}},
      {"ls | xargs rm -rf", {RD}},
      {"echo build dist | xargs rm -rf", {}},
      {"> /etc/passwd", {RD}},
      {": > /etc/shadow", {RD}},
      {"echo -n > /var/log/syslog", {RD}},
      {"cat /dev/null > /var/lib/mysql/ibdata1", {RD}},
      {"> app.log", {}},
      {"truncate -s 0 logs/app.log", {}},
      {"truncate -s 0 /var/lib/mysql/ibdata1", {RD}},
      {"echo hello > /tmp/x.txt", {}},
      {"crontab -r", {RD}},
      {"crontab -l", {}},
      {"crontab -l > cron.bak", {}},
      {"mv ~ /dev/null", {RD}},
      {"mv notes.txt /dev/null", {}},
      {"mv build old-build", {}},
      {"rsync -a --delete build/ /var/www/html/", {RD}},
      {"rsync -av --delete empty/ ~/", {RD}},
      {"rsync -av --delete src/ backup/", {}},
      {"rsync -av src/ /var/www/html/", {}},
      {"rsync -av --delete --dry-run src/ /etc/", {}},
      {"shred -u /etc/shadow", {RD}},
      {"shred -u secrets.txt", {}},
  });
}

// Test that wrappers, chains and quoting are seen through.
TEST(ShellCases, WrappersAndQuotingAreSeenThrough) {
  ExpectCases({
      {"sudo rm -rf /", {RD}},
      {"sudo -u root -E rm -rf /etc", {RD}},
      {"sudo -- rm -rf /", {RD}},
      {"doas rm -rf /", {RD}},
      {"env X=1 rm -rf /", {RD}},
      {"env -i PATH=/bin rm -rf ~", {RD}},
      {"nohup rm -rf / &", {RD}},
      {"time rm -rf /", {RD}},
      {"nice -n 10 rm -rf /", {RD}},
      {"ionice -c3 rm -rf /", {RD}},
      {"timeout 10 rm -rf /", {RD}},
      {"timeout -s KILL 5m rm -rf /", {RD}},
      {"watch -n 5 rm -rf /", {RD}},
      {"exec rm -rf /", {RD}},
      {"command rm -rf /", {RD}},
      {"builtin eval 'rm -rf /'", {RD}},
      {"stdbuf -oL rm -rf /", {RD}},
      {"r'm' -rf /", {RD}},
      {"\"rm\" -rf /", {RD}},
      {"\\rm -rf /", {RD}},
      {"/bin/rm -rf /", {RD}},
      {"/usr/bin/env rm -rf /", {RD}},
      {"$'rm' -rf /", {RD}},
      {"r\"\"m -r\"f\" /", {RD}},
      {"X=1 rm -rf /", {RD}},
      {"bash -c 'rm -rf /'", {RD}},
      {"sh -c \"rm -rf ~\"", {RD}},
      {"bash -lc 'cd /tmp && rm -rf /'", {RD}},
      {"zsh -c 'sudo rm -rf /'", {RD}},
      {"sudo sh -c 'bash -c \"rm -rf /\"'", {RD}},
      {"eval 'rm -rf /'", {RD}},
      {"eval \"rm -rf $HOME\"", {RD}},
      {"ssh prod 'rm -rf /'", {RD}},
      {"ssh -i key.pem -p 2222 user@host sudo rm -rf /var/lib", {RD}},
      {"ssh host 'ls -la /'", {}},
      {"echo 'rm -rf /' | sh", {RD}},
      {"echo 'rm -rf /' | sudo bash", {RD}},
      {"printf 'rm -rf ~\\n' | bash -s", {RD}},
      {"cat <<EOF | sh\nrm -rf /\nEOF", {RD}},
      {"bash <<EOF\nrm -rf /\nEOF", {RD}},
      {"sh <<< 'rm -rf /'", {RD}},
      {"ssh host <<'EOF'\nsudo rm -rf /var/lib/docker\nEOF", {RD}},
      {"true && rm -rf /", {RD}},
      {"false || rm -rf /", {RD}},
      {"ls; rm -rf /", {RD}},
      {"ls\nrm -rf /", {RD}},
      {"(cd /tmp; rm -rf /)", {RD}},
      {"{ rm -rf /; }", {RD}},
      {"echo $(rm -rf /)", {RD}},
      {"echo `rm -rf /`", {RD}},
      {"diff <(rm -rf /) b", {RD}},
      {"if true; then rm -rf /; fi", {RD}},
      {"while true; do rm -rf /; done", {RD}},
      {"for i in 1 2; do sudo rm -rf /; done", {RD}},
      {"f() { rm -rf /; }; f", {RD}},
      {"case x in x) rm -rf / ;; esac", {RD}},
      {"xargs rm -rf < list.txt", {RD}},
      {"xargs -I{} rm -rf {} < list.txt", {RD}},
      {"find . -name '*.sh' | xargs -I{} sh -c 'rm -rf {}'", {}},
      {"python3 -c \"import os; os.system('rm -rf /')\"", {RD}},
      {"python -c 'import shutil; shutil.rmtree(\"/\")'", {RD}},
      {"python3 -c 'import shutil; shutil.rmtree(\"build\")'", {}},
      {"python3 -c 'import subprocess; subprocess.run([\"rm\", \"-rf\", \"/\"])'", {RD}},
      {"perl -e 'system(\"rm -rf /\")'", {RD}},
      {"perl -e 'system \"rm\", \"-rf\", \"/\"'", {RD}},
      {"ruby -e 'FileUtils.rm_rf(Dir.home)'", {RD}},
      {"ruby -e '`rm -rf /`'", {RD}},
      {"node -e \"require('child_process').execSync('rm -rf /')\"", {RD}},
      {"node -e \"require('fs').rmSync('dist', {recursive: true})\"", {}},
      {"python3 -c 'print(1+1)'", {}},
      {"busybox rm -rf /", {RD}},
      {"su -c 'rm -rf /' root", {RD}},
      {"flock /tmp/lock rm -rf /", {RD}},
      {"strace -f -o trace.txt rm -rf /", {RD}},
      {"npx rimraf node_modules", {}},
      {"sudo -e /etc/hosts", {}},
  });
}

// Test git history rewriting and its safe forms.
TEST(ShellCases, VcsHistoryRewrite) {
  ExpectCases({
      {"git push --force", {VCS}},
      {"git push -f origin main", {VCS}},
      {"git push --force-with-lease origin feature", {VCS}},
      {"git push origin +main", {VCS}},
      {"git push --mirror", {VCS}},
      {"git push origin --delete old-branch", {VCS}},
      {"git push origin :old-branch", {VCS}},
      {"git reset --hard HEAD~3", {VCS}},
      {"git reset --hard", {VCS}},
      {"git clean -fdx", {VCS}},
      {"git clean -f", {VCS}},
      {"git checkout -- .", {VCS}},
      {"git checkout .", {VCS}},
      {"git restore .", {VCS}},
      {"git stash clear", {VCS}},
      {"git branch -D feature", {VCS}},
      {"git filter-branch --tree-filter 'rm -f secrets' HEAD", {VCS}},
      {"git -C repo push -f", {VCS}},
      {"gh repo delete owner/repo --yes", {VCS}},
      {"git push", {}},
      {"git push origin main", {}},
      {"git push -u origin feature", {}},
      {"git push --force --dry-run", {}},
      {"git push -n -f", {}},
      {"git reset --soft HEAD~1", {}},
      {"git reset HEAD file.txt", {}},
      {"git branch -d merged-branch", {}},
      {"git rebase -i HEAD~3", {}},
      {"git commit --amend --no-edit", {}},
      {"git clean -n", {}},
      {"git clean -fdn", {}},
      {"git checkout -b feature", {}},
      {"git checkout main", {}},
      {"git restore --staged .", {}},
      {"git stash pop", {}},
      {"gh pr list", {}},
  });
}

// Test infrastructure destruction and its plan/preview forms.
TEST(ShellCases, InfraDestroy) {
  ExpectCases({
      {"terraform destroy", {INFRA}},
      {"terraform destroy -auto-approve", {INFRA}},
      {"terraform apply -auto-approve", {INFRA}},
      {"terraform -chdir=infra apply -auto-approve", {INFRA}},
      {"terraform apply -destroy", {INFRA}},
      {"tofu destroy", {INFRA}},
      {"terragrunt run-all destroy", {INFRA}},
      {"pulumi destroy --yes", {INFRA}},
      {"pulumi up --yes", {INFRA}},
      {"cdk destroy --force", {INFRA}},
      {"aws cloudformation delete-stack --stack-name prod", {INFRA, CLOUD}},
      {"iptables -F", {INFRA}},
      {"sudo iptables --flush", {INFRA}},
      {"nft flush ruleset", {INFRA}},
      {"ufw --force reset", {INFRA}},
      {"terraform plan", {}},
      {"terraform plan -destroy", {}},
      {"terraform apply", {}},
      {"terraform apply plan.tfplan", {}},
      {"terraform init -upgrade", {}},
      {"pulumi preview", {}},
      {"pulumi up", {}},
      {"cdk diff", {}},
      {"cdk deploy", {}},
      {"iptables -L -n", {}},
      {"iptables -A INPUT -p tcp --dport 22 -j ACCEPT", {}},
      {"ufw allow 22", {}},
  });
}

// Test Kubernetes and Helm.
TEST(ShellCases, Kubernetes) {
  ExpectCases({
      {"kubectl delete pod web-1", {K8S}},
      {"kubectl delete ns prod", {K8S}},
      {"kubectl -n prod delete deployment api", {K8S}},
      {"kubectl --context prod delete -f app.yaml", {K8S}},
      {"kubectl drain node-1 --ignore-daemonsets", {K8S}},
      {"kubectl scale deploy api --replicas=0", {K8S}},
      {"kubectl scale deploy api --replicas 0", {K8S}},
      {"kubectl replace --force -f pod.yaml", {K8S}},
      {"helm uninstall my-release", {K8S}},
      {"helm delete my-release -n prod", {K8S}},
      {"oc delete project test", {K8S}},
      {"kubectl get pods -o name | xargs kubectl delete", {K8S}},
      {"kubectl exec -it db-0 -- psql -c 'DROP TABLE users'", {DB}},
      {"kubectl exec web-0 -- rm -rf /", {RD}},
      {"kubectl delete pod web-1 --dry-run=client", {}},
      {"kubectl delete -f app.yaml --dry-run=server", {}},
      {"kubectl rollout restart deployment/api", {}},
      {"kubectl scale deploy api --replicas=3", {}},
      {"kubectl apply -f app.yaml", {}},
      {"kubectl describe pod web-1", {}},
      {"kubectl logs -f deploy/api", {}},
      {"kubectl exec -it web-0 -- ls /", {}},
      {"helm upgrade --install app ./chart", {}},
      {"helm uninstall app --dry-run", {}},
  });
}

// Test cloud CLIs.
TEST(ShellCases, Cloud) {
  ExpectCases({
      {"aws s3 rb s3://bucket --force", {CLOUD}},
      {"aws s3 rm s3://bucket --recursive", {CLOUD}},
      {"aws ec2 terminate-instances --instance-ids i-123", {CLOUD}},
      {"aws rds delete-db-instance --db-instance-identifier prod", {CLOUD}},
      {"aws --profile prod s3api delete-bucket --bucket b", {CLOUD}},
      {"gcloud compute instances delete vm-1 --zone us-east1-b", {CLOUD}},
      {"gcloud projects delete my-project", {CLOUD}},
      {"gcloud storage rm -r gs://bucket", {CLOUD}},
      {"gsutil -m rm -r gs://bucket/**", {CLOUD}},
      {"gsutil rb gs://bucket", {CLOUD}},
      {"az group delete --name rg-prod --yes", {CLOUD}},
      {"az storage blob delete-batch -s container", {CLOUD}},
      {"doctl compute droplet delete web-1", {CLOUD}},
      {"heroku apps:destroy --app my-app --confirm my-app", {CLOUD}},
      {"aws s3 rm s3://bucket --recursive --dryrun", {}},
      {"aws ec2 terminate-instances --instance-ids i-1 --dry-run", {}},
      {"aws s3 ls s3://bucket", {}},
      {"aws s3 cp file s3://bucket/file", {}},
      {"aws s3 rm s3://bucket/one-object.txt", {}},
      {"aws s3 sync ./build s3://site", {}},
      {"aws ec2 describe-instances", {}},
      {"gcloud compute instances list", {}},
      {"az vm list -o table", {}},
      {"gsutil ls gs://bucket", {}},
  });
}

// Test containers: bulk removal is dangerous, one named container is not.
TEST(ShellCases, Containers) {
  ExpectCases({
      {"docker system prune -a", {CTR}},
      {"docker system prune -af --volumes", {CTR}},
      {"docker volume rm pgdata", {CTR}},
      {"docker volume prune -f", {CTR}},
      {"docker rm -f $(docker ps -aq)", {CTR}},
      {"docker rmi $(docker images -q)", {CTR}},
      {"docker ps -aq | xargs docker rm -f", {CTR}},
      {"docker container prune", {CTR}},
      {"docker image prune -a", {CTR}},
      {"docker compose down -v", {CTR}},
      {"docker-compose down --volumes", {CTR}},
      {"podman system prune -a", {CTR}},
      {"docker rm web", {}},
      {"docker rm -f web", {}},
      {"docker rmi nginx:1.25", {}},
      {"docker compose down", {}},
      {"docker kill $(docker ps -q)", {}},
      {"docker stop web", {}},
      {"docker run --rm -it alpine sh", {}},
      {"docker build -t app .", {}},
      {"docker exec -it db psql -U postgres -c 'DROP DATABASE app'", {DB}},
      {"docker exec web ls", {}},
  });
}

// Test database clients and framework tasks.
TEST(ShellCases, Databases) {
  ExpectCases({
      {"psql -c 'DROP TABLE users'", {DB}},
      {"psql -h db -U app -c \"DELETE FROM users\"", {DB}},
      {"psql app <<EOF\nTRUNCATE orders;\nEOF", {DB}},
      {"echo 'DROP DATABASE prod;' | psql", {DB}},
      {"psql --command='DROP SCHEMA public CASCADE'", {DB}},
      {"mysql -e 'DROP DATABASE shop'", {DB}},
      {"mysql -u root -p -e \"DELETE FROM `orders`\"", {DB}},
      {"sqlite3 app.db 'DROP TABLE users'", {DB}},
      {"redis-cli FLUSHALL", {DB}},
      {"redis-cli -n 2 flushdb", {DB}},
      {"mongosh mydb --eval 'db.dropDatabase()'", {DB}},
      {"mongo app --eval 'db.users.deleteMany({})'", {DB}},
      {"rails db:drop", {DB}},
      {"bin/rails db:reset", {DB}},
      {"bundle exec rake db:drop db:create", {DB}},
      {"python manage.py flush --noinput", {DB}},
      {"npx prisma migrate reset --force", {DB}},
      {"php artisan migrate:fresh --seed", {DB}},
      {"dropdb prod", {DB}},
      {"psql -c 'SELECT * FROM users'", {}},
      {"psql -c \"DELETE FROM users WHERE id = 42\"", {}},
      {"psql -c '\\dt'", {}},
      {"mysql -e 'SHOW DATABASES'", {}},
      {"mysql -e \"SELECT * FROM `orders` LIMIT 5\"", {}},
      {"sqlite3 app.db '.tables'", {}},
      {"sqlite3 app.db 'SELECT count(*) FROM users'", {}},
      {"redis-cli GET key", {}},
      {"redis-cli DEL session:42", {}},
      {"mongosh mydb --eval 'db.users.find({})'", {}},
      {"mongo app --eval 'db.users.deleteMany({age: {$lt: 18}})'", {}},
      {"rails db:migrate", {}},
      {"python manage.py migrate", {}},
      {"npx prisma migrate deploy", {}},
      {"pg_dump app > app.sql", {}},
  });
}

// Test disks and devices.
TEST(ShellCases, DisksAndDevices) {
  ExpectCases({
      {"mkfs.ext4 /dev/sdb1", {FMT}},
      {"sudo mkfs -t xfs /dev/nvme1n1", {FMT}},
      {"wipefs -a /dev/sda", {FMT}},
      {"sgdisk --zap-all /dev/sda", {FMT}},
      {"parted /dev/sda mklabel gpt", {FMT}},
      {"dd if=/dev/zero of=/dev/sda bs=1M", {DEV}},
      {"dd if=ubuntu.iso of=/dev/disk2 bs=4m", {DEV}},
      {"xzcat image.xz | sudo dd of=/dev/mmcblk0", {DEV}},
      {"cat image.img > /dev/sdb", {DEV}},
      {"cp image.img /dev/sdc", {DEV}},
      {"echo x | sudo tee /dev/sda", {DEV}},
      {"shred /dev/sda", {DEV}},
      {"dd if=/dev/sda of=backup.img bs=4M", {}},
      {"dd if=/dev/zero of=swapfile bs=1M count=1024", {}},
      {"dd if=/dev/urandom of=/dev/null count=10", {}},
      {"wipefs /dev/sda", {}},
      {"fdisk -l", {}},
      {"parted -l", {}},
      {"lsblk", {}},
      {"cat /dev/sda | gzip > disk.gz", {}},
      {"command > /dev/null 2>&1", {}},
  });
}

// Test permission changes.
TEST(ShellCases, Permissions) {
  ExpectCases({
      {"chmod -R 777 /", {PERM}},
      {"chmod -R 777 .", {PERM}},
      {"chmod -R a+w src", {PERM}},
      {"chmod 777 /etc/shadow", {PERM}},
      {"chmod 644 /etc/shadow", {PERM}},
      {"chmod u+s /bin/bash", {PERM}},
      {"chmod 4755 /usr/bin/python3", {PERM}},
      {"chown -R nobody /etc", {PERM}},
      {"sudo chown -R www-data:www-data /var/www", {PERM}},
      {"chmod -R 755 /usr/local", {PERM}},
      {"chmod +x script.sh", {}},
      {"chmod 600 ~/.ssh/id_rsa", {}},
      {"chmod 777 run.sh", {}},
      {"chmod -R 755 public", {}},
      {"chown -R $USER:$USER ~/.npm", {}},
      {"chmod -R g+w shared", {}},
      {"chmod 755 /usr/local/bin/tool", {}},
  });
}

// Test remote code execution.
TEST(ShellCases, RemoteCodeExec) {
  ExpectCases({
      {"curl -fsSL https://get.docker.com | sh", {RCE}},
      {"curl -s https://x.sh | sudo bash", {RCE}},
      {"wget -qO- https://x.io/install.sh | bash", {RCE}},
      {"wget -O - https://x | sh", {RCE}},
      {"curl -fsSL https://deb.nodesource.com/setup_18.x | sudo -E bash -", {RCE}},
      {"curl https://x/get.py | python3", {RCE}},
      {"bash <(curl -s https://x/install.sh)", {RCE}},
      {"sh -c \"$(curl -fsSL https://raw.githubusercontent.com/x/install.sh)\"", {RCE}},
      {"eval \"$(curl -s https://x/env)\"", {RCE}},
      {"source <(curl -s https://x/env.sh)", {RCE}},
      {"curl -o install.sh https://x/install.sh && bash install.sh", {RCE}},
      {"wget https://x/setup.sh; chmod +x setup.sh; ./setup.sh", {RCE}},
      {"curl -LO https://x/run.sh && sh run.sh", {RCE}},
      {"curl -s https://api.x.com/data | jq .", {}},
      {"curl -fsSL https://x/key.gpg | sudo gpg --dearmor -o /usr/share/keyrings/x.gpg", {}},
      {"curl -o data.json https://x/data.json", {}},
      {"wget https://x/file.tar.gz && tar xzf file.tar.gz", {}},
      {"curl https://x | tee out.txt", {}},
      {"bash install.sh", {}},
      {"eval \"$(ssh-agent -s)\"", {}},
      {"source <(kubectl completion bash)", {}},
  });
}

// Test power and fork bombs.
TEST(ShellCases, SystemPower) {
  ExpectCases({
      {"shutdown -h now", {POWER}},
      {"sudo reboot", {POWER}},
      {"poweroff", {POWER}},
      {"halt", {POWER}},
      {"init 0", {POWER}},
      {"systemctl poweroff", {POWER}},
      {"sudo systemctl reboot", {POWER}},
      {":(){ :|:& };:", {POWER}},
      {"bomb() { bomb | bomb & }; bomb", {POWER}},
      {"kill -9 -1", {POWER}},
      {"echo b > /proc/sysrq-trigger", {POWER}},
      {"perl -e 'fork while fork'", {POWER}},
      {"shutdown -c", {}},
      {"systemctl restart nginx", {}},
      {"sudo service postgresql restart", {}},
      {"systemctl status sshd", {}},
      {"kill -9 12345", {}},
      {"kill -HUP $(cat app.pid)", {}},
  });
}

// Test package removal: system and global are dangerous, project-scoped is not.
TEST(ShellCases, PackageRemoval) {
  ExpectCases({
      {"sudo apt remove nginx", {PKG}},
      {"apt-get purge -y 'php*'", {PKG}},
      {"sudo apt-get autoremove -y", {PKG}},
      {"yum remove httpd", {PKG}},
      {"dnf -y remove docker", {PKG}},
      {"pacman -Rns firefox", {PKG}},
      {"pip uninstall requests", {PKG}},
      {"sudo pip3 uninstall -y numpy", {PKG}},
      {"python3 -m pip uninstall flask", {PKG}},
      {"npm uninstall -g typescript", {PKG}},
      {"brew uninstall node", {PKG}},
      {"dpkg -r nginx", {PKG}},
      {"apk del curl", {PKG}},
      {"snap remove code", {PKG}},
      {"npm uninstall lodash", {}},
      {"yarn remove lodash", {}},
      {"poetry remove requests", {}},
      {".venv/bin/pip uninstall requests", {}},
      {"venv/bin/python -m pip uninstall requests", {}},
      {"apt install nginx", {}},
      {"apt-get remove --simulate nginx", {}},
      {"pip install -r requirements.txt", {}},
      {"npm install -g pnpm", {}},
  });
}

// Test that input the shell would reject fails closed.
TEST(ShellCases, UnparseableFailsClosed) {
  ExpectCases({
      {"echo 'unterminated", {BAD}},
      {"echo \"unterminated", {BAD}},
      {"echo $(ls", {BAD}},
      {"echo `ls", {BAD}},
      {"ls )", {BAD}},
      {"| grep x", {BAD}},
      {"ls && ", {BAD}},
      {"if true; then ls", {BAD}},
      {"echo ${x", {BAD}},
      {"echo $'abc", {BAD}},
  });
}

}  // namespace
}  // namespace drawbridge::classify

namespace drawbridge::classify {
namespace {

// Test evasions that hide the program or the target behind the line's own variables.
TEST(ShellCases, EvasionsThroughTheLinesOwnVariables) {
  ExpectCases({
      {"p=rm; $p -rf /", {RD}},
      {"X='rm -rf /'; eval \"$X\"", {RD}},
      {"CMD=reboot; sudo $CMD", {POWER}},
      {"T=/etc; chmod -R 777 $T", {PERM}},
      {"k=kubectl; $k delete pod x", {K8S}},
      {"f=build; rm -rf \"$f\"", {}},
      {"echo $'\\x72\\x6d -rf /' | sh", {RD}},
      {"a=r; b=m; $a$b -rf /", {RD}},
      {"pg_restore --clean -d app dump.sql", {DB}},
      {"pg_restore -d app dump.sql", {}},
  });
}

}  // namespace
}  // namespace drawbridge::classify

namespace drawbridge::classify {
namespace {

// Test real-world lines that look alarming but are routine.
TEST(ShellCases, RoutineLinesThatLookAlarming) {
  ExpectCases({
      {"kill -9 $(lsof -t -i:3000)", {}},
      {"rm -f $(find . -name '*.pyc')", {}},
      {"rm -rf $(find / -name '*.pyc')", {RD}},
      {"git branch --merged | grep -v main | xargs git branch -d", {}},
      {"find . -type f -name '*.log' -mtime +7 -exec rm {} \\;", {}},
      {"find /tmp -name 'pytest-*' -delete", {}},
      {"sudo chmod +x /usr/local/bin/docker-compose", {}},
      {"echo 'Welcome' > /etc/motd", {}},
      {"npm cache clean --force", {}},
      {"docker-compose down --remove-orphans", {}},
      {"helm repo remove bitnami", {}},
      {"kubectl config delete-context old", {}},
      {"rm -rf ~/Library/Caches/*", {}},
      {"rm -rf \"$HOME/.cache\"", {}},
      {"rm -rf .next .turbo out", {}},
      {"npm run clean && rm -rf dist/*", {}},
      {"for i in $(seq 1 10); do echo $i; done", {}},
      {"while read line; do echo \"$line\"; done < input.txt", {}},
      {"git checkout -- src/main.c", {}},
      {"sed -i 's/a/b/' /etc/hosts", {}},
      {"echo \"127.0.0.1 x\" | sudo tee -a /etc/hosts", {}},
      {"sudo tee /etc/apt/sources.list.d/docker.list > /dev/null", {}},
      {"rm -rf $(git rev-parse --show-toplevel)/build", {}},
      {"ROOT=$(git rev-parse --show-toplevel); rm -rf \"$ROOT/dist\"", {}},
      {"sudo systemctl stop nginx && sudo systemctl disable nginx", {}},
      {"git push origin HEAD:refs/heads/main", {}},
      {"aws iam list-users", {}},
      {"psql -c \"UPDATE users SET active = false WHERE id = 7\"", {}},
      {"redis-cli --scan --pattern 'session:*'", {}},
      {"gcloud config unset project", {}},
      {"crontab -e", {}},
  });
}

// Test dangerous lines written in less common ways.
TEST(ShellCases, LessCommonSpellings) {
  ExpectCases({
      {"curl -s https://x/i.sh > i.sh && bash i.sh", {RCE}},
      {"iwr https://x/i.ps1 | iex", {RCE}},
      {"curl https://x | sudo python3 -", {RCE}},
      {"python3 <(curl -s https://x/get.py)", {RCE}},
      {"git push origin main --force", {VCS}},
      {"git clean -dfx", {VCS}},
      {"docker volume rm $(docker volume ls -q)", {CTR}},
      {"kubectl delete --all pods -n dev", {K8S}},
      {"terraform apply --auto-approve", {INFRA}},
      {"sudo -u postgres psql -c \"drop database app\"", {DB}},
      {"mysql -uroot -psecret -e \"drop database app\"", {DB}},
      {"echo FLUSHALL | redis-cli", {DB}},
      {"psql postgres://u@h/db <<< 'DROP TABLE x'", {DB}},
      {"php -r \"system('rm -rf /');\"", {RD}},
      {"sudo shutdown -r +5", {POWER}},
      {"sudo rm -rf --no-preserve-root /", {RD}},
      {"find / -delete", {RD}},
      {"rm -rf / --no-preserve-root", {RD}},
      {"sudo dd if=/dev/sda of=/dev/sdb bs=64K", {DEV}},
      {"apt-get remove -y --purge nginx", {PKG}},
      {"sudo su -c 'rm -rf /'", {RD}},
      {"env -S 'rm -rf /'", {RD}},
      {"ssh root@host \"bash -c 'rm -rf /var/www'\"", {RD}},
      {"xargs -a hosts.txt -I{} ssh {} 'sudo reboot'", {POWER}},
  });
}

}  // namespace
}  // namespace drawbridge::classify
