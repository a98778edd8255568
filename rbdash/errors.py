"""Named exceptions of the core, each carrying an English and an Indonesian one-line message.

The CLI prints ``str(exc)``; pages show ``exc.message_id``.  One table of templates keyed by a
stable ``code`` keeps both languages side by side, so a new reason is added in one place.
"""

MESSAGES = {
    # code: (English, Indonesian)
    "empty": ("the file is empty (0 bytes); export the workbook again",
              "file kosong (0 byte); simpan ulang workbook dari Excel lalu unggah lagi"),
    "too_large": ("the file is {size_mb:.1f} MB, above the {limit_mb} MB limit",
                  "ukuran file {size_mb_id} MB melebihi batas {limit_mb} MB"),
    "picture": ("this is a {kind} picture renamed to .xlsx, not a workbook",
                "file ini gambar {kind} yang diberi nama .xlsx, bukan workbook Excel"),
    "pdf_damaged": ("the PDF is damaged or cut short ({detail}); copy or download it again, or upload the original "
                    "Word/Excel file",
                    "file PDF rusak atau terpotong; salin atau unduh ulang, atau unggah file Word/Excel aslinya"),
    "pdf_encrypted": ("the PDF is password-protected; upload it without the password, or the original Word/Excel file",
                      "PDF dikunci kata sandi; unggah PDF tanpa kata sandi, atau file Word/Excel aslinya"),
    "pdf_scanned": ("the PDF has no text layer; this looks like a scan: upload the original Word/Excel file "
                    "(scans are not read: no OCR)",
                    "PDF tidak memiliki lapisan teks; tampaknya hasil pindaian (scan): unggah file Word/Excel aslinya "
                    "(hasil pindaian tidak dibaca)"),
    "pdf_no_table": ("the PDF has text but no ruled table, so no plan table (KEGIATAN/INDIKATOR and 12 months) was "
                     "found; upload the decree with its LAMPIRAN table, or the original Word/Excel file",
                     "PDF berisi teks tetapi tanpa tabel bergaris, sehingga tabel rencana aksi (KEGIATAN/INDIKATOR dan "
                     "12 bulan) tidak ditemukan; unggah keputusan beserta tabel LAMPIRAN-nya, atau file Word/Excel "
                     "aslinya"),
    "pdf_too_many_pages": ("the PDF has {pages} pages, above the limit of {limit} for a plan decree; upload only the "
                           "decree with its LAMPIRAN",
                           "PDF berisi {pages} halaman, melebihi batas {limit} halaman untuk keputusan rencana aksi; "
                           "unggah keputusan beserta LAMPIRAN-nya saja"),
    "encrypted": ("the file is password-protected; open it in Excel or Word, remove the password "
                  "(File > Info > Protect Workbook or Protect Document) and save again",
                  "file dikunci kata sandi; buka di Excel atau Word, hapus kata sandi "
                  "(File > Info > Protect Workbook atau Protect Document), simpan, lalu unggah lagi"),
    "word_97": ("this is a Word 97-2003 document (.doc), which is not read; open it in Word, save it as "
                "'Word Document (.docx)' and upload that",
                "file ini dokumen Word 97-2003 (.doc) yang tidak dapat dibaca; buka di Word, simpan sebagai "
                "'Word Document (.docx)', lalu unggah file itu"),
    "xls_damaged": ("the .xls (Excel 97-2003) workbook is damaged or not a workbook ({detail}); open it in Excel "
                    "and save it again as .xlsx",
                    "workbook .xls (Excel 97-2003) rusak atau bukan workbook; buka di Excel lalu simpan ulang "
                    "sebagai .xlsx"),
    "html_as_excel": ("this is a web page (HTML) saved with an Excel name, as other systems export it, not a "
                      "workbook; open it in Excel and save it as 'Excel Workbook (.xlsx)'",
                      "file ini halaman web (HTML) yang diberi nama Excel, hasil ekspor sistem lain, bukan workbook; "
                      "buka di Excel lalu simpan sebagai 'Excel Workbook (.xlsx)'"),
    "csv_as_excel": ("this is a text (CSV) file saved with an Excel name, not a workbook; open it in Excel and "
                     "save it as 'Excel Workbook (.xlsx)'",
                     "file ini teks (CSV) yang diberi nama Excel, bukan workbook; buka di Excel lalu simpan sebagai "
                     "'Excel Workbook (.xlsx)'"),
    "powerpoint": ("this is a PowerPoint presentation, not a workbook; upload the action plan's Excel workbook (.xlsx)",
                   "file ini presentasi PowerPoint, bukan workbook Excel; unggah workbook Excel (.xlsx) rencana "
                   "aksinya"),
    "visio": ("this is a Visio drawing, not a workbook; upload the action plan's Excel workbook (.xlsx)",
              "file ini gambar Visio, bukan workbook Excel; unggah workbook Excel (.xlsx) rencana aksinya"),
    "publisher": ("this is a Publisher document, not a workbook; upload the action plan's Excel workbook (.xlsx)",
                  "file ini dokumen Publisher, bukan workbook Excel; unggah workbook Excel (.xlsx) rencana aksinya"),
    "outlook": ("this is an Outlook e-mail message (.msg), not a workbook; save the workbook attached to it and "
                "upload that",
                "file ini pesan e-mail Outlook (.msg), bukan workbook Excel; simpan workbook yang dilampirkan di "
                "dalamnya lalu unggah file itu"),
    "other_office": ("this is an Office 97-2003 file that holds no workbook; upload the action plan's Excel "
                     "workbook (.xlsx)",
                     "file ini file Office 97-2003 yang tidak berisi workbook; unggah workbook Excel (.xlsx) "
                     "rencana aksinya"),
    "xlsb": ("this is an Excel Binary Workbook (.xlsb), which rbdash does not read; open it in Excel and save it "
             "as 'Excel Workbook (.xlsx)'",
             "file ini Excel Binary Workbook (.xlsb) yang tidak dapat dibaca rbdash; buka di Excel lalu simpan "
             "sebagai 'Excel Workbook (.xlsx)'"),
    "spreadsheetml": ("this is an Excel 2003 XML spreadsheet (XML Spreadsheet 2003), which rbdash does not read; "
                      "open it in Excel and save it as 'Excel Workbook (.xlsx)'",
                      "file ini spreadsheet XML Excel 2003 (XML Spreadsheet 2003) yang tidak dapat dibaca rbdash; "
                      "buka di Excel lalu simpan sebagai 'Excel Workbook (.xlsx)'"),
    "excel_2_4": ("this is an Excel 2.0-4.0 file (before Excel 97), which rbdash does not read; open it in Excel "
                  "and save it as 'Excel Workbook (.xlsx)'",
                  "file ini file Excel 2.0-4.0 (sebelum Excel 97) yang tidak dapat dibaca rbdash; buka di Excel "
                  "lalu simpan sebagai 'Excel Workbook (.xlsx)'"),
    "not_excel": ("not an Excel workbook (.xlsx, .xlsm or .xls; unknown content); save the plan as .xlsx",
                  "bukan file Excel (.xlsx, .xlsm atau .xls; isi tidak dikenal); simpan rencana aksi sebagai .xlsx"),
    "truncated": ("the file is truncated or damaged ({detail}); copy or download it again",
                  "file terpotong atau rusak; salin atau unduh ulang file aslinya"),
    "plain_zip": ("this is a plain ZIP archive, not an Excel workbook; extract it and upload the .xlsx inside",
                  "ini arsip ZIP biasa, bukan workbook Excel; ekstrak dan unggah file .xlsx di dalamnya"),
    "xml_entities": ("the workbook contains XML entity declarations in {part} (possible XML bomb); refused",
                     "workbook berisi deklarasi entitas XML di {part} (berpotensi berbahaya); ditolak"),
    "zip_bomb": ("the workbook expands to {size_mb:.0f} MB when unpacked (limit {limit_mb} MB); refused",
                 "workbook mengembang menjadi {size_mb_id} MB saat dibuka (batas {limit_mb} MB); ditolak"),
    "unreadable": ("the workbook cannot be read ({detail}); open it in Excel and save it again as .xlsx",
                   "workbook tidak dapat dibaca; buka di Excel lalu simpan ulang sebagai .xlsx"),
    "unsafe_file": ("the file is too large or damaged to read safely (the reader stopped); open it in Excel, check it "
                    "and save it again",
                    "file terlalu besar atau rusak untuk dibaca dengan aman (pembacaan terhenti); buka di Excel, "
                    "periksa, lalu simpan ulang"),
    "unsafe_file_memory": ("the file is too large or damaged to read safely (out of memory); open it in Excel, check "
                           "it and save it again",
                           "file terlalu besar atau rusak untuk dibaca dengan aman (memori tidak cukup); buka di Excel, "
                           "periksa, lalu simpan ulang"),
    "unsafe_file_timeout": ("the file is too large or damaged to read safely (reading took longer than {seconds} s); "
                            "open it in Excel, check it and save it again",
                            "file terlalu besar atau rusak untuk dibaca dengan aman (pembacaan lebih dari {seconds} "
                            "detik); buka di Excel, periksa, lalu simpan ulang"),
    "unexpected": ("unexpected error while reading the file ({detail}); please report it together with the file",
                   "kesalahan tak terduga saat membaca file; laporkan bersama file-nya"),
    "no_such_file": ("no such file", "file tidak ditemukan"),
    "unreadable_path": ("the file cannot be opened ({detail})", "file tidak dapat dibuka (izin atau lokasi file)"),
    "no_sheets": ("the workbook has no visible worksheet",
                  "workbook tidak memiliki lembar kerja yang terlihat"),
    "no_table": ("no action-plan table found: expected a header row with KEGIATAN/INDIKATOR columns "
                 "and 12 month columns (numbers 1-12, Jan..Des or Mulai/Selesai)",
                 "tabel rencana aksi tidak ditemukan: perlu baris judul kolom (KEGIATAN/INDIKATOR) "
                 "dan 12 kolom bulan (angka 1-12, Jan..Des, atau Mulai/Selesai)"),
    "no_plan_table_document": ("the document has no plan table: no table with KEGIATAN/INDIKATOR columns and "
                               "month columns (1-12, Jan..Des or Mulai/Selesai) was found, and a table pasted as a "
                               "picture or scanned cannot be read; put the plan (the LAMPIRAN) in the document as "
                               "a Word table, or upload the plan's Excel workbook",
                               "dokumen tidak berisi tabel rencana aksi: tidak ada tabel dengan kolom "
                               "KEGIATAN/INDIKATOR dan kolom bulan (1-12, Jan..Des, atau Mulai/Selesai), dan tabel "
                               "berupa gambar atau hasil pindaian tidak dapat dibaca; masukkan rencana aksi "
                               "(LAMPIRAN) ke dokumen sebagai tabel Word, atau unggah workbook Excel-nya"),
    "no_rows": ("the plan table on sheet '{sheet}' (header at row {row}) has no scheduled activity below it",
                "tabel rencana aksi di lembar '{sheet}' (judul kolom di baris {row}) tidak berisi kegiatan berjadwal"),
    "no_satker": ("the office (satker) name was not found in the title rows; add a title like "
                  "'RENCANA AKSI RB KPU KOTA X TAHUN 2024'",
                  "nama satker tidak ditemukan di judul; tambahkan judul seperti "
                  "'RENCANA AKSI RB KPU KOTA X TAHUN 2024'"),
    "no_year": ("the plan year was not found in the title rows; add e.g. 'TAHUN 2024' to the title",
                "tahun rencana tidak ditemukan di judul; tambahkan misalnya 'TAHUN 2024' pada judul"),
    "not_rb_plan": ("this does not look like an RB action plan: the workbook names no KPU office (only the file "
                    "name does) and {matched} of its {count} activities match a kegiatan of the RB change areas; if it "
                    "is one, add a title such as 'RENCANA AKSI RB KPU KABUPATEN X TAHUN 2026'",
                    "file ini tampaknya bukan rencana aksi RB: workbook tidak menyebut satker KPU (hanya nama "
                    "file-nya) dan hanya {matched} dari {count} kegiatannya yang cocok dengan kegiatan area perubahan "
                    "RB; bila memang rencana aksi RB, tambahkan judul seperti 'RENCANA AKSI RB KPU KABUPATEN X "
                    "TAHUN 2026'"),
    "several_plans": ("the file holds {count} plans ({plans}), where one was expected; read it with parse_plans",
                      "file berisi {count} rencana aksi ({plans}), padahal yang diharapkan satu"),
    "db_busy": ("the database is busy (another import is writing); try again in a moment",
                "basis data sedang dipakai proses lain (impor berjalan); coba lagi sebentar lagi"),
    # Indonesian: what the app's visitors read -- no server path or address (the admin has the CLI's line)
    "db_url": ("'{path}' is not a database rbdash can use: give a DuckDB file path or a postgresql:// URL",
               "RBDASH_DB bukan basis data yang dapat dipakai rbdash; admin perlu memberikan path file DuckDB atau "
               "URL postgresql://"),
    "db_url_bad": ("'{path}' is not a valid PostgreSQL URL (postgresql://user:password@host:port/database)",
                   "RBDASH_DB bukan URL PostgreSQL yang sah; admin perlu memperbaikinya "
                   "(postgresql://pengguna:sandi@host:port/basisdata)"),
    "db_no_driver": ("PostgreSQL needs the psycopg package: install requirements.txt",
                     "PostgreSQL memerlukan paket psycopg: pasang requirements.txt"),
    "db_unreachable": ("cannot reach the PostgreSQL database {path} ({detail}); check the address, the password "
                       "and that the server is running",
                       "server basis data PostgreSQL tidak dapat dihubungi ({detail}); admin perlu memeriksa "
                       "alamat, kata sandi, dan apakah server berjalan"),
    "copy_not_empty": ("'{path}' already holds data; migrate into an empty database",
                       "'{path}' sudah berisi data; pindahkan ke basis data yang kosong"),
    "copy_schema": ("the two databases are at different schema versions ({source} and {target}); update rbdash",
                    "kedua basis data berada pada versi skema berbeda ({source} dan {target}); perbarui rbdash"),
    "duckdb_only": ("'{command}' works on a DuckDB file; on PostgreSQL use the server's own tools ({tool})",
                    "'{command}' hanya untuk file DuckDB; di PostgreSQL gunakan alat server ({tool})"),
    "db_path": ("cannot use '{path}' as the database file ({detail})",
                "file basis data tidak dapat dipakai (periksa izin dan lokasi file); admin perlu memeriksa RBDASH_DB"),
    "db_not_file": ("'{path}' is not a regular file (a device, a pipe or a socket); give a DuckDB file path",
                    "file basis data bukan file biasa (perangkat, pipe atau socket); admin perlu memberikan path "
                    "file DuckDB (RBDASH_DB)"),
    "db_empty_file": ("'{path}' is an empty file (0 bytes), not a DuckDB database; remove it to create a new "
                      "database there, or choose another file",
                      "file basis data kosong (0 byte), bukan basis data DuckDB; admin perlu menghapusnya agar basis "
                      "data baru dibuat di sana, atau memilih file lain (RBDASH_DB)"),
    "db_not_duckdb": ("'{path}' exists but is not a DuckDB database; choose another file",
                      "file basis data bukan basis data DuckDB; admin perlu memilih file lain (RBDASH_DB)"),
    "db_unreadable": ("the database file cannot be read ({detail}); restore it from a backup",
                      "file basis data rusak atau tidak dapat dibaca; admin perlu memulihkannya dari cadangan"),
    "db_error": ("the database refused the operation ({detail})",
                 "basis data menolak operasi ini; coba lagi, dan laporkan bila terulang"),
    "write_conflict": ("someone else saved the same data at the same moment; reload and redo your edit",
                       "orang lain menyimpan data yang sama pada saat bersamaan; muat ulang lalu ulangi perubahan"),
    "conflict_gone": ("activity {activity_id} has no saved progress any more since you opened it; reload and redo your edit",
                      "progres kegiatan ini sudah tidak ada sejak Anda membukanya; muat ulang lalu ulangi perubahan"),
    # Indonesian: no internal id (the page names the row), the time as the app writes it elsewhere
    "conflict": ("activity {activity_id} was changed by {by} at {at} since you opened it; reload and redo your edit",
                 "kegiatan ini sudah diubah oleh {by} pada {at_id} sejak Anda membukanya; "
                 "muat ulang lalu ulangi perubahan"),
    "invalid_url": ("'{value}' is not a valid evidence link; use a full http(s):// address",
                    "'{value}' bukan tautan bukti dukung yang sah; gunakan alamat lengkap http(s)://"),
    "url_controls": ("the evidence link '{value}' contains invisible control characters (such as right-to-left "
                     "marks) that can disguise where it leads; type the address again",
                     "tautan bukti dukung '{value}' berisi karakter kendali tak terlihat (misalnya penanda arah "
                     "kanan-ke-kiri) yang dapat menyamarkan tujuannya; ketik ulang alamatnya"),
    "url_too_long": ("the evidence link '{value}' is longer than {limit} characters; use a shorter link",
                     "tautan bukti dukung '{value}' lebih dari {limit} karakter; gunakan tautan yang lebih pendek"),
    "note_too_long": ("the note has {length} characters, above the limit of {limit}",
                      "catatan berisi {length} karakter, melebihi batas {limit}"),
    "invalid_month": ("month {value} is outside 1-12", "bulan {value} di luar rentang 1-12"),
    "unknown_activity": ("activity {activity_id} does not exist", "kegiatan {activity_id} tidak ada"),
    "forbidden_office": ("{user} may not change data of {satker}",
                         "{user} tidak berwenang mengubah data {satker}"),
    "forbidden_viewer": ("{user} may only read; log in with an operator account to change {satker}",
                         "{user} hanya dapat melihat; masuk dengan akun operator untuk mengubah data {satker}"),
    "forbidden_verify": ("{user} may not verify reported progress (province operators and admins only)",
                         "{user} tidak berwenang memverifikasi laporan (khusus operator provinsi dan admin)"),
    "forbidden_verify_office": ("{user} may verify only offices of {province}, not {satker}",
                                "{user} hanya dapat memverifikasi satker di {province}, bukan {satker}"),
    "reason_needed": ("a rejection needs a reason the office can act on",
                      "penolakan memerlukan alasan agar satker dapat memperbaikinya"),
    "month_not_reported": ("activity {activity_id} has no realisation reported for month {month}; nothing to verify",
                           "kegiatan ini tidak melaporkan realisasi bulan {month_id}; tidak ada yang diverifikasi"),
    "verify_stale": ("activity {activity_id} was resubmitted by the office since you opened it; reload and check it "
                     "again",
                     "kegiatan ini sudah dikirim ulang oleh satker sejak Anda membukanya; muat ulang lalu periksa "
                     "lagi"),
    "forbidden_admin": ("{user} may not manage accounts (admin only)",
                        "{user} tidak berwenang mengelola akun (khusus admin)"),
    "login_failed": ("wrong user name or password, or the account is disabled",
                     "nama pengguna atau kata sandi salah, atau akun dinonaktifkan"),
    "user_exists": ("the user '{username}' already exists", "pengguna '{username}' sudah ada"),
    "unknown_user": ("there is no user '{username}'", "pengguna '{username}' tidak ada"),
    "bad_username": ("user names are 3-40 characters: lower-case letters, digits, '.', '_' or '-'",
                     "nama pengguna 3-40 karakter: huruf kecil, angka, '.', '_' atau '-'"),
    "weak_password": ("the password must have at least {min} characters, not only spaces",
                      "kata sandi minimal {min} karakter dan tidak boleh hanya spasi"),
    "common_password": ("the password is too easy to guess (a common password or word, the user name, only digits "
                        "or a few repeated characters); choose another",
                        "kata sandi terlalu mudah ditebak (kata sandi atau kata yang umum, nama pengguna, hanya angka "
                        "atau beberapa karakter berulang); pilih yang lain"),
    "login_locked": ("too many failed logins; try again in {seconds} seconds",
                     "terlalu banyak percobaan masuk yang gagal; coba lagi dalam {seconds} detik"),
    "last_admin": ("'{username}' is the last active admin: without one the app could not be managed; add or enable "
                   "another admin first",
                   "'{username}' adalah admin aktif terakhir: tanpa admin aplikasi tidak dapat dikelola; tambahkan "
                   "atau aktifkan admin lain terlebih dahulu"),
    "bad_role": ("role '{role}' is not one of admin, province, office, viewer",
                 "peran '{role}' bukan salah satu dari admin, province, office, viewer"),
    "role_needs_satker": ("an office account needs --satker (an office of the official list)",
                          "akun operator satker memerlukan --satker (satker dari daftar resmi)"),
    "role_needs_province": ("a province account needs --province (one of the 38 provinces)",
                            "akun operator provinsi memerlukan --province (salah satu dari 38 provinsi)"),
    "unknown_office": ("'{name}' is not an office of the official list", "'{name}' bukan satker dalam daftar resmi"),
    "unknown_province": ("'{name}' is not a province of the official list", "'{name}' bukan provinsi dalam daftar resmi"),
    "unknown_version": ("{satker} {year} has no version {version}", "{satker} {year} tidak memiliki versi {version}"),
    "ambiguous_satker": ("'{name}' denotes several offices with a plan for {year} ({names}); give the name as stored",
                         "'{name}' cocok dengan beberapa satker yang memiliki rencana aksi tahun {year} ({names}); "
                         "tulis namanya persis"),
    "no_earlier_version": ("{satker} {year} has no version before version {version} to compare it with",
                           "{satker} {year} tidak memiliki versi sebelum versi {version} untuk dibandingkan"),
    "already_current": ("version {version} is already the current one", "versi {version} sudah menjadi versi aktif"),
    "unknown_change": ("there is no progress, monthly report or verification change {change} to undo",
                       "tidak ada perubahan progres, laporan bulanan atau verifikasi {change} untuk dibatalkan"),
    "revert_stale": ("the activity was changed again after change {change}; undo the later change first",
                     "kegiatan sudah diubah lagi setelah perubahan {change}; batalkan perubahan yang lebih baru dahulu"),
    "already_reported": ("{satker} has already reported {month_name} {year}",
                         "laporan bulan {month_name} {year} {satker} sudah tercatat"),
    "report_no_plan": ("{satker} has no plan for {year}: a monthly report needs the year's plan first",
                       "{satker} belum memiliki rencana aksi tahun {year}: impor rencananya sebelum mengirim laporan "
                       "bulanan"),
    "report_stale": ("the report for {month_name} was changed again after change {change}; undo the later change "
                     "first",
                     "laporan bulan {month_name} sudah diubah lagi setelah perubahan {change}; batalkan perubahan yang "
                     "lebih baru dahulu"),
    "backup_exists": ("'{path}' already exists and is not empty; choose a new folder for the backup",
                      "'{path}' sudah ada dan tidak kosong; pilih folder baru untuk cadangan"),
    "backup_unreadable": ("'{path}' is not a complete rbdash backup (manifest.json and the exported tables)",
                          "'{path}' bukan cadangan rbdash yang lengkap (manifest.json dan tabel hasil ekspor)"),
    "backup_mismatch": ("the restored data differs from the backup's manifest in: {tables}; nothing was replaced",
                        "data yang dipulihkan berbeda dari manifest cadangan pada: {tables}; tidak ada yang diganti"),
    "backup_unsigned": ("'{path}' is not signed (a backup made before rbdash signed its backups, or not made by "
                        "rbdash); refused: if you trust it, restore it with the rbdash version that made it, then "
                        "make a new backup",
                        "'{path}' tidak bertanda tangan (cadangan dari rbdash versi lama, atau bukan buatan rbdash); "
                        "ditolak: bila tepercaya, pulihkan dengan versi rbdash yang membuatnya lalu buat cadangan baru"),
    "backup_other_key": ("'{path}' was signed with another backup key than {key}; set RBDASH_BACKUP_KEY to the key "
                         "it was made with (the content of rbdash-backup.key beside the database it came from); "
                         "nothing was restored",
                         "'{path}' ditandatangani dengan kunci cadangan selain {key}; isi RBDASH_BACKUP_KEY dengan "
                         "kunci saat cadangan dibuat (isi rbdash-backup.key di samping basis data asalnya); "
                         "tidak ada yang dipulihkan"),
    "backup_forged": ("'{path}' was changed after it was made (its manifest does not match its signature); "
                      "nothing was restored: use another copy",
                      "'{path}' diubah setelah dibuat (manifest tidak cocok dengan tanda tangannya); "
                      "tidak ada yang dipulihkan: pakai salinan lain"),
    "backup_no_key": ("no backup key in {dir} to check the backup with: set RBDASH_BACKUP_KEY to the key it was "
                      "made with, or copy its rbdash-backup.key there; nothing was restored",
                      "tidak ada kunci cadangan di {dir} untuk memeriksa cadangan: isi RBDASH_BACKUP_KEY dengan kunci "
                      "saat cadangan dibuat, atau salin rbdash-backup.key-nya ke sana; tidak ada yang dipulihkan"),
    "backup_key_bad": ("the backup key in {key} is not usable ({length} characters; at least 32 are needed, "
                       "e.g. the 64 of an rbdash-backup.key file)",
                       "kunci cadangan di {key} tidak dapat dipakai ({length} karakter; minimal 32, misalnya "
                       "64 karakter isi file rbdash-backup.key)"),
    "backup_key_unreadable": ("the backup key {key} cannot be read ({detail})",
                              "kunci cadangan {key} tidak dapat dibaca; periksa izin file kunci itu"),
    "backup_link": ("'{file}' in '{path}' is a link or not a plain file; a backup folder holds its own files only "
                    "(copy it with cp -rL); nothing was restored",
                    "'{file}' di '{path}' adalah tautan atau bukan file biasa; folder cadangan hanya berisi "
                    "filenya sendiri (salin dengan cp -rL); tidak ada yang dipulihkan"),
    "backup_damaged": ("'{file}' in '{path}' is missing or damaged (its size or SHA-256 differs from the signed "
                       "manifest); nothing was restored: use another copy of the backup",
                       "'{file}' di '{path}' hilang atau rusak (ukuran atau SHA-256 berbeda dari manifest yang "
                       "ditandatangani); tidak ada yang dipulihkan: pakai salinan cadangan lain"),
    "backup_table": ("'{file}' in '{path}' does not fit table {table} ({detail}); nothing was restored",
                     "'{file}' di '{path}' tidak sesuai dengan tabel {table} ({detail}); tidak ada yang dipulihkan"),
    "backup_newer": ("'{path}' was made by a newer rbdash (schema version {version}; this one knows up to "
                     "{known}); update rbdash to restore it",
                     "'{path}' dibuat oleh rbdash yang lebih baru (skema versi {version}; versi ini sampai "
                     "{known}); perbarui rbdash untuk memulihkannya"),
    "restore_exists": ("'{path}' already exists; restore into a new file, or pass --replace",
                       "'{path}' sudah ada; pulihkan ke file baru, atau gunakan --replace"),
    "png_failed": ("could not render the PNG ({detail}); make sure Chromium is installed on the server and retry",
                   "gagal membuat gambar PNG; pastikan Chromium terpasang di server, lalu coba lagi"),
    "xlsx_failed": ("could not write the Excel workbook ({detail}); retry, and report it if it happens again",
                    "gagal membuat file Excel; coba lagi, dan laporkan bila terulang"),
    "pptx_failed": ("could not write the PowerPoint deck ({detail}); retry, and report it if it happens again",
                    "gagal membuat file PowerPoint; coba lagi, dan laporkan bila terulang"),
    "pdf_unavailable": ("cannot write a PDF: LibreOffice (soffice) is not installed on this machine; install "
                        "libreoffice-impress, or write the deck as .pptx",
                        "PDF tidak dapat dibuat: LibreOffice belum terpasang di server; unduh file PowerPoint-nya"),
    "pdf_failed": ("could not convert the deck to PDF ({detail}); retry, or write it as .pptx",
                   "gagal membuat file PDF; coba lagi, atau unduh file PowerPoint-nya"),
    "no_plans": ("there is no plan for {year} ({scope})", "belum ada rencana aksi tahun {year} ({scope})"),
    "unknown_satker": ("'{name}' has no plan for {year}", "'{name}' tidak memiliki rencana aksi tahun {year}"),
    "same_years": ("compare two different years, not {year} with itself",
                   "pilih dua tahun yang berbeda, bukan {year} dengan {year}"),
}


class RbdashError(Exception):
    """Base: ``code`` selects the message; keyword arguments fill it in."""

    def __init__(self, code, **params):
        self.code = code
        self.params = params
        en, _ = MESSAGES[code]
        super().__init__(en.format(**params))

    @property
    def message_id(self):
        return MESSAGES[self.code][1].format(**self.params)


class UnreadableFile(RbdashError):
    """The bytes are not a usable .xlsx workbook (empty, encrypted, damaged, picture...)."""


class NoPlanFound(RbdashError):
    """The workbook opens but holds no action-plan table, or one without satker/year."""


class StoreError(RbdashError):
    """The database refused the operation (busy)."""


class ConflictError(RbdashError):
    """Someone else saved the same activity since it was loaded."""


class ValidationError(RbdashError):
    """User input (progress entry) failed validation before saving."""


class PermissionDenied(RbdashError):
    """The logged-in user's role does not allow this write."""


class ExportError(RbdashError):
    """A meeting export (PNG, Excel, PowerPoint, PDF) could not be produced."""


def error_to_dict(exc: RbdashError) -> dict:
    """A named error as plain data (it crosses process boundaries as JSON)."""
    return {"class": type(exc).__name__, "code": exc.code, "params": exc.params}


def error_from_dict(d: dict) -> RbdashError:
    cls = {c.__name__: c for c in (UnreadableFile, NoPlanFound, StoreError, ConflictError, ValidationError,
                                   PermissionDenied, ExportError)}.get(d.get("class"), UnreadableFile)
    return cls(d["code"], **d.get("params", {}))


# Problems that do not stop an import: collected as warnings (frictionless-style) with type, sheet, row.
WARNINGS = {
    "hidden_sheet": ("hidden sheet '{sheet}' skipped", "lembar tersembunyi '{sheet}' dilewati"),
    "not_a_plan_sheet": ("sheet '{sheet}' has no plan table (skipped)",
                         "lembar '{sheet}' tidak berisi tabel rencana aksi (dilewati)"),
    "recap_sheet": ("sheet '{sheet}' looks like a recap/summary, not data (skipped)",
                    "lembar '{sheet}' tampak seperti rekap/ringkasan, bukan data (dilewati)"),
    "no_schedule": ("row {row}: activity has no scheduled month; not imported",
                    "baris {row}: kegiatan tanpa bulan pelaksanaan; tidak diimpor"),
    "orphan_text": ("row {row}: text without schedule before any activity; ignored",
                    "baris {row}: teks tanpa jadwal sebelum kegiatan mana pun; diabaikan"),
    "marks_without_text": ("row {row}: schedule marks without text, merged into the activity above",
                           "baris {row}: tanda jadwal tanpa teks, digabung ke kegiatan di atasnya"),
    "area_inferred": ("{count} activities on sheet '{sheet}' have no area in the file; area guessed from "
                      "the standard catalogue",
                      "{count} kegiatan di lembar '{sheet}' tidak mencantumkan area; area ditebak dari katalog standar"),
    "bad_month": ("row {row}: month '{value}' not understood", "baris {row}: bulan '{value}' tidak dikenali"),
    "schedule_text_unreadable": ("row {row}: schedule '{value}' not understood; activity kept without months",
                                 "baris {row}: jadwal '{value}' tidak dapat dibaca; kegiatan disimpan tanpa bulan"),
    "dates_outside_year": ("row {row}: dates {value} lie outside the plan year; activity kept without months",
                           "baris {row}: tanggal {value} di luar tahun rencana; kegiatan disimpan tanpa bulan"),
    "end_before_start": ("row {row}: end month before start month; swapped",
                         "baris {row}: bulan selesai sebelum bulan mulai; ditukar"),
    "stray_cells": ("{count} cell(s) far outside the plan table ignored on sheet '{sheet}' (first at {cell}); "
                    "delete them in Excel if they are not meant to be there",
                    "{count} sel jauh di luar tabel rencana aksi diabaikan di lembar '{sheet}' (pertama di {cell}); "
                    "hapus di Excel bila tidak sengaja terisi"),
    "evidence_refused": ("row {row}: evidence link '{value}' is not an http(s) address; not stored",
                         "baris {row}: tautan bukti dukung '{value}' bukan alamat http(s); tidak disimpan"),
    "evidence_kept_as_text": ("row {row}: evidence '{value}' is not a link; kept in KET",
                              "baris {row}: bukti dukung '{value}' bukan tautan; disimpan di KET"),
    "satker_from_signature": ("office name taken from the signature block under the table",
                              "nama satker diambil dari blok tanda tangan di bawah tabel"),
    "satker_from_filename": ("office name taken from the file name", "nama satker diambil dari nama file"),
    "not_rb_plan_kept": ("imported on an admin's request although it does not look like an RB action plan (no KPU "
                         "office named in the workbook, {matched} of {count} activities match the RB catalogue)",
                         "diimpor atas permintaan admin walaupun tampaknya bukan rencana aksi RB (workbook tidak "
                         "menyebut satker KPU, {matched} dari {count} kegiatan cocok dengan katalog RB)"),
    "year_from_filename": ("year taken from the file name", "tahun diambil dari nama file"),
}


def warning_text(code, **params):
    """(English, Indonesian) text of a non-fatal issue."""
    en, id_ = WARNINGS[code]
    return en.format(**params), id_.format(**params)
