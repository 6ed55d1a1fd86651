#!/bin/bash
# each scenario bounded by timeout; cleanup via trap
set -u
pids=()
cleanup(){ for p in "${pids[@]}"; do kill $p 2>/dev/null; done; iptables -D INPUT -i lo -p tcp --dport 19099 -j DROP 2>/dev/null; }
trap cleanup EXIT
D=broker,protocol,security
# 1 apiversion disconnect: listener that accepts and closes immediately
python3 -c '
import socket,time
s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(("127.0.0.1",19092));s.listen(5)
t=time.time()+10
s.settimeout(1)
while time.time()<t:
  try:
    c,_=s.accept(); c.recv(100); c.close()
  except Exception: pass
' & pids+=($!)
# 2 TLS server self-signed
timeout 12 openssl s_server -accept 19093 -cert cert.pem -key key.pem -quiet >/dev/null 2>&1 & pids+=($!)
# 3 plaintext server that replies with garbage (wrong version number)
python3 -c '
import socket,time
s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(("127.0.0.1",19094));s.listen(5)
t=time.time()+10
s.settimeout(1)
while time.time()<t:
  try:
    c,_=s.accept(); c.recv(300); c.send(b"HTTP/1.1 400 Bad Request\r\n\r\n"); time.sleep(0.2); c.close()
  except Exception: pass
' & pids+=($!)
# 4 silent listener (request timeout)
python3 -c '
import socket,time
s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(("127.0.0.1",19095));s.listen(5)
t=time.time()+12
s.settimeout(1); keep=[]
while time.time()<t:
  try:
    c,_=s.accept(); keep.append(c)
  except Exception: pass
' & pids+=($!)
iptables -A INPUT -i lo -p tcp --dport 19099 -j DROP
sleep 0.5
timeout 8 kcat -b 127.0.0.1:19092 -L -d $D -m 4 > /dev/null 2> apiversion.log &
timeout 8 kcat -b localhost:19093 -L -d $D -m 4 -X security.protocol=ssl > /dev/null 2> certverify.log &
timeout 8 kcat -b 127.0.0.1:19094 -L -d $D -m 4 -X security.protocol=ssl > /dev/null 2> wrongversion.log &
timeout 10 kcat -b 127.0.0.1:19095 -L -d $D -m 8 -X socket.timeout.ms=3000 > /dev/null 2> reqtimeout.log &
timeout 10 kcat -b 127.0.0.1:19099 -L -d $D -m 8 -X socket.connection.setup.timeout.ms=2000 > /dev/null 2> setuptimeout.log &
timeout 8 kcat -b no-such-broker.invalid:9092 -L -m 3 > /dev/null 2> resolve.log &
timeout 8 kcat -b 127.0.0.1:1 -P -t t -m 3 -X message.timeout.ms=1500 > /dev/null 2> msgtimeout.log <<<"hello" &
wait $(jobs -p | grep -v -e "${pids[0]}" -e "${pids[1]}" -e "${pids[2]}" -e "${pids[3]}") 2>/dev/null
sleep 11
