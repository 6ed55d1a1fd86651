#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	conn
#open	2026-11-23-12-01-43
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration	orig_bytes	resp_bytes	conn_state	local_orig	local_resp	missed_bytes	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes	tunnel_parents	first_payload	max_idle_s	rst_by	rst_fingerprint_mismatch	first_packet	last_packet
#types	time	string	addr	port	addr	port	enum	string	interval	count	count	string	bool	bool	count	string	count	count	count	count	set[string]	string	interval	string	bool	count	count
1795435303.478035	CTEitBaOOHF85aJozh	127.0.0.1	51792	127.0.0.1	39106	tcp	-	0.000827	48	37	SF	-	-	-	ShADadFf	6	-	4	-	-	other	0.000359	-	F	1	10
1795435312.311892	CSjTPp1f63G5i0C8ph	198.18.0.1	34076	198.18.0.2	39109	tcp	-	0.000029	0	0	REJ	-	-	-	Sr	1	-	1	-	-	none	0.000029	resp	F	13	14
1795435312.348350	CFzop0VaG18AJdo0cL	198.18.0.1	57216	198.18.0.2	39108	tcp	-	0.301863	11	0	SF	-	-	-	ShADafF	4	-	4	-	-	other	0.301132	-	F	15	22
#close	2026-11-23-12-01-52
