#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	conn
#open	2026-11-23-12-01-34
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration	orig_bytes	resp_bytes	conn_state	local_orig	local_resp	missed_bytes	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes	tunnel_parents	first_payload	max_idle_s	rst_by	rst_fingerprint_mismatch	first_packet	last_packet
#types	time	string	addr	port	addr	port	enum	string	interval	count	count	string	bool	bool	count	string	count	count	count	count	set[string]	string	interval	string	bool	count	count
1795435294.304575	Cj72P67GU239BeFbjP	127.0.0.1	56250	127.0.0.1	39102	tcp	-	0.000911	64	37	SF	-	-	-	ShADadFf	6	-	4	-	-	other	0.000418	-	F	1	10
#close	2026-11-23-12-01-34
