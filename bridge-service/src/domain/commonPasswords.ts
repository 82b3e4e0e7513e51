// Passwords that appear near the top of public breach-frequency lists, in lower case. Only
// entries a 10-character minimum still lets through are worth listing; a handful are specific
// to this product (its name, the words a learner is likely to reach for).
const LIST = `
0000000000 0123456789 0987654321 1111111111 1122334455 1212121212 123123123123 1234512345
1234567890 1234567891 12345678910 123456789012 123456789a 123456789q 1234567890q 123456789abc
123qweasdzxc 123qwe123qwe 147258369a 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx3edc 1qazxsw23edc
2222222222 5555555555 6666666666 7777777777 8888888888 9999999999 987654321a 9876543210
a1b2c3d4e5 aa12345678 abc1234567 abc123456789 abcd123456 abcdefg123 abcdefghij abcdefghijk
admin12345 admin123456 administrator administrator1 asdfasdfasdf asdfghjkl1 asdfghjkl123
autumn2024 autumn2025 azerty1234 azerty123456 azertyuiop baseball123 basketball basketball1
batman12345 butterfly123 changeme123 changeme1234 cheese12345 chelsea1234 chocolate1
chocolate123 computer123 contrasena contrasena123 contraseña contraseña123 correcthorsebatterystaple
dragon12345 element123 english123 espanol123 football123 football1234 freedom123 haslo12345
hello12345 hello123456 helloworld helloworld1 helloworld123 iloveyou12 iloveyou123 iloveyou1234
iloveyouforever iloveyou!! internet123 jennifer123 jordan2323 language123 languages learning123
letmein123 letmein1234 letmeinplease liverpool123 love123456 lovely12345 loveyou123
manchester manchesterunited master12345 matrix1234 matrix12345 michael123 monkey12345
motdepasse motdepasse123 mypassword mypassword1 mypassword123 nothing123 parola12345
passw0rd123 passw0rd1234 password!! password01 password12 password123 password123! password1234
password12345 password123456 password2020 password2021 password2022 password2023 password2024
password2025 password2026 passwordpassword passwort123 passwort1234 p@ssw0rd123 p@ssword123
pokemon123 princess123 q1w2e3r4t5 q1w2e3r4t5y6 qazwsxedc123 qazwsxedcrfv qweasdzxc123
qweqweqwe123 qwerasdfzxcv qwerty1234 qwerty12345 qwerty123456 qwerty123! qwertyqwerty
qwertyuiop qwertyuiop123 qwertzuiop salasana123 secret1234 secret12345 senha12345 senha123456
shadow12345 soccer12345 spanish123 spring2024 spring2025 starwars123 summer2024 summer2025
sunflower123 sunshine123 superman123 synapse123 test123456 testtest123 testing123 thisismypassword
trustno1234 wachtwoord wachtwoord1 welcome123 welcome1234 welcome2024 welcome2025 whatever123
winter2024 winter2025 xstream123 xstream1234 zaq12wsxcde3 zaq1zaq1zaq1 zxcvbnm123 zxcvbnm1234
zxcvbnmasdf asdfghjklqwerty qwertyuiopasdf 1234554321 1234567899 0000000001 1234567800
iloveyou1! princess12 sunshine12 superstar1 starwars12 trustno1trustno1 football12 baseball12
michelle123 jessica123 charlie123 ashley1234 daniel1234 matthew123 anthony123 jordan1234
1234abcd1234 abcd1234abcd aaaaaaaaaa qqqqqqqqqq zzzzzzzzzz 11111111111 123456123456 12341234
`;

/** The built-in list of common passwords, lower-cased. */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter(Boolean));
