// Hash commands (src/commands/hash.ts). Exact reply bytes in RESP2 and RESP3 for
// every reply shape and error path (recorded from valkey-server 8.0, which has
// Redis 7.2's behaviour, except where marked: Redis 7.2 parses SCAN cursors
// with strtoul, so "" and "-1" are valid and " 0" is not), encodings against
// the hash-max-listpack-* configs, keyspace events, propagation, a randomized
// model test, the HSCAN guarantee under concurrent changes, client libraries,
// a differential run against valkey-server when installed, and 1M-field scale.

import assert from "node:assert/strict";
import {
  bulk,
  bulks,
  bytesToBinary,
  capturePropagation,
  expectReplies,
  expectReply,
  int,
  recordEffects,
  resp3,
  rng,
  type Row,
  withClient,
  withServer,
  WRONGTYPE_REPLY,
} from "./helpers.ts";
import { readScanStream, withIoredis, withNodeRedis } from "./clients.ts";
import {
  callBoth,
  expectSameCommandRows,
  HAS_REFERENCE,
  withOursAndReference,
} from "./reference.ts";
import { hashCommands } from "../src/commands/hash.ts";
import { RedisHash } from "../src/store/hash.ts";

// ---------------------------------------------------------------------------
// Recorded replies

/** RESP2, in order on a fresh server. */
const HASH_R2: Row[] = [
  // HSET / HMSET / HSETNX
  [["hset", "h", "a", "1", "b", "2"], ":2\r\n"],
  [["hset", "h", "a", "10", "c", "3"], ":1\r\n"],
  [["hset", "h", "a"], "-ERR wrong number of arguments for 'hset' command\r\n"],
  [["hset", "h", "a", "1", "b"], "-ERR wrong number of arguments for 'hset' command\r\n"],
  [["hmset", "h", "a"], "-ERR wrong number of arguments for 'hmset' command\r\n"],
  [["hmset", "h", "d", "4", "e", "5"], "+OK\r\n"],
  [["hsetnx", "h", "a", "9"], ":0\r\n"],
  [["hsetnx", "h", "f", "6"], ":1\r\n"],
  [["hsetnx", "newh", "f", "1"], ":1\r\n"],
  [["hget", "h", "a"], "$2\r\n10\r\n"],
  [["hget", "h", "zz"], "$-1\r\n"],
  [["hget", "nokey", "a"], "$-1\r\n"],
  [["hmget", "h", "a", "zz", "b"], "*3\r\n$2\r\n10\r\n$-1\r\n$1\r\n2\r\n"],
  [["hmget", "nokey", "a", "b"], "*2\r\n$-1\r\n$-1\r\n"],
  [["hlen", "h"], ":6\r\n"],
  [["hlen", "nokey"], ":0\r\n"],
  [["hstrlen", "h", "a"], ":2\r\n"],
  [["hstrlen", "h", "zz"], ":0\r\n"],
  [["hstrlen", "nokey", "a"], ":0\r\n"],
  [["hexists", "h", "a"], ":1\r\n"],
  [["hexists", "h", "zz"], ":0\r\n"],
  [["hexists", "nokey", "a"], ":0\r\n"],
  [["hkeys", "h"], "*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n"],
  [["hvals", "h"], "*6\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n"],
  [
    ["hgetall", "h"],
    "*12\r\n$1\r\na\r\n$2\r\n10\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n6\r\n",
  ],
  [["hgetall", "nokey"], "*0\r\n"],
  [["hkeys", "nokey"], "*0\r\n"],
  [["hvals", "nokey"], "*0\r\n"],
  // HDEL keeps listpack order; deleting the last field deletes the key
  [["hdel", "h", "zz"], ":0\r\n"],
  [["hdel", "h", "a", "zz", "c"], ":2\r\n"],
  [
    ["hgetall", "h"],
    "*8\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n6\r\n",
  ],
  [["hdel", "newh", "f"], ":1\r\n"],
  [["exists", "newh"], ":0\r\n"],
  [["hdel", "nokey", "a"], ":0\r\n"],
  // HINCRBY
  [["hincrby", "h", "x", "notint"], "-ERR value is not an integer or out of range\r\n"],
  [["hincrby", "h", "x", "1.5"], "-ERR value is not an integer or out of range\r\n"],
  [["hincrby", "h", "x", ""], "-ERR value is not an integer or out of range\r\n"],
  [
    ["hincrby", "h", "x", "9223372036854775808"],
    "-ERR value is not an integer or out of range\r\n",
  ],
  [["hincrby", "h", "x", "+1"], "-ERR value is not an integer or out of range\r\n"],
  [["hincrby", "h", "x", "01"], "-ERR value is not an integer or out of range\r\n"],
  [["hincrby", "h", "x", " 1"], "-ERR value is not an integer or out of range\r\n"],
  [["hincrby", "h", "d", "10"], ":14\r\n"],
  [["hincrby", "h", "d", "-100"], ":-86\r\n"],
  [["hincrby", "h", "n", "9223372036854775807"], ":9223372036854775807\r\n"],
  [["hincrby", "h", "n", "1"], "-ERR increment or decrement would overflow\r\n"],
  [["hincrby", "h", "n", "-9223372036854775808"], ":-1\r\n"],
  [["hincrby", "h", "n", "-1"], ":-2\r\n"],
  [["hincrby", "h", "m", "-9223372036854775808"], ":-9223372036854775808\r\n"],
  [["hincrby", "h", "m", "-1"], "-ERR increment or decrement would overflow\r\n"],
  [["hincrby", "h", "m", "1"], ":-9223372036854775807\r\n"],
  [["hincrby", "nokey2", "f", "5"], ":5\r\n"],
  [
    [
      "hset",
      "h",
      "s",
      " 12",
      "t",
      "12 ",
      "u",
      "+5",
      "v",
      "-0",
      "w",
      "007",
      "y",
      "1e3",
      "z",
      "0x10",
    ],
    ":7\r\n",
  ],
  [["hincrby", "h", "s", "1"], "-ERR hash value is not an integer\r\n"],
  [["hincrby", "h", "t", "1"], "-ERR hash value is not an integer\r\n"],
  [["hincrby", "h", "u", "1"], "-ERR hash value is not an integer\r\n"],
  [["hincrby", "h", "v", "1"], "-ERR hash value is not an integer\r\n"],
  [["hincrby", "h", "w", "1"], "-ERR hash value is not an integer\r\n"],
  [["hincrby", "h", "y", "1"], "-ERR hash value is not an integer\r\n"],
  // HINCRBYFLOAT
  [["hincrbyfloat", "h", "s", "1"], "-ERR hash value is not a float\r\n"],
  [["hincrbyfloat", "h", "t", "1"], "-ERR hash value is not a float\r\n"],
  [["hincrbyfloat", "h", "b", "inf"], "-ERR value is NaN or Infinity\r\n"],
  [["hincrbyfloat", "h", "b", "-inf"], "-ERR value is NaN or Infinity\r\n"],
  [["hincrbyfloat", "h", "b", "+inf"], "-ERR value is NaN or Infinity\r\n"],
  [["hincrbyfloat", "h", "b", "nan"], "-ERR value is not a valid float\r\n"],
  [["hincrbyfloat", "h", "b", "x"], "-ERR value is not a valid float\r\n"],
  [["hincrbyfloat", "h", "b", ""], "-ERR value is not a valid float\r\n"],
  [["hincrbyfloat", "h", "b", " 1"], "-ERR value is not a valid float\r\n"],
  [["hincrbyfloat", "h", "b", "1 "], "-ERR value is not a valid float\r\n"],
  [["hincrbyfloat", "h", "b", "1.5"], "$3\r\n3.5\r\n"],
  [["hincrbyfloat", "h", "b", "0.25"], "$4\r\n3.75\r\n"],
  [["hincrbyfloat", "h", "b", "-3.75"], "$1\r\n0\r\n"],
  [["hincrbyfloat", "h", "u", "1"], "$1\r\n6\r\n"],
  [["hincrbyfloat", "h", "w", "1"], "$1\r\n8\r\n"],
  [["hincrbyfloat", "h", "y", "1.5"], "$6\r\n1001.5\r\n"],
  [["hincrbyfloat", "h", "z", "1"], "$2\r\n17\r\n"],
  [["hincrbyfloat", "h", "q", "3.0e0"], "$1\r\n3\r\n"],
  [["hincrbyfloat", "h", "q", "-3"], "$1\r\n0\r\n"],
  [["hincrbyfloat", "h", "r", "10.50"], "$4\r\n10.5\r\n"],
  [["hincrbyfloat", "nokey3", "f", "2.5"], "$3\r\n2.5\r\n"],
  [["hset", "ld", "f", "10.5"], ":1\r\n"],
  [["hincrbyfloat", "ld", "f", "0.1"], "$4\r\n10.6\r\n"],
  [["hincrbyfloat", "ld", "f", "1e3"], "$22\r\n1010.59999999999999998\r\n"],
  [["hincrbyfloat", "ld", "f", "-1010.6"], "$1\r\n0\r\n"],
  [
    ["hincrbyfloat", "ld", "g", "1e308"],
    "$308\r\n99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048\r\n",
  ],
  [
    ["hincrbyfloat", "ld", "g", "1e308"],
    "$309\r\n199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096\r\n",
  ],
  [
    ["hincrbyfloat", "ld", "h", "1e4932"],
    "$4933\r\n1000000000000000000006018949387963891323837774254533114773785041352533019486608722407533327779433142773666525563666277682061860906440460336623416164931097542108653623739947237824273607755646282077337746770628281083461244709457643633409272844851420914666765408339856497738306756454137037618440476182982865954054046320908299555942321302503320602080070208203623921079151881460203745014774931620490030394998719312614654064081373493248877120892455186383753439197870978041502797716880193955403107721911638646256939484197293128160329482360996995779489224859264034146949087194820794222433687849284561987230134006305414553626323614864479565079390052761980633463640128979696615362545507608303960553830866145592644372289102918602696741767741297153998359263135897985849697638678310586803720024647593066044070323761747439375151949994191528876172274034561238465689530914002496208547488452249219821049217690359246594326188537200846025476936856707726986425804304053688317572380292690880454677852210458790733177421098965346383845533016192965653377533421097553773202105452559589360227732550843545717469715211293029277100649951579279463212875228768700827274629951331584994203243708412190948315614798641721054158397351395747758548328754270534225721361640356227816080094892433366902417454242382629232277544026609640255325557814321580325340352330660617642326696140257239552549121071985189443846777623334881929189773707008403466595204838733621633273383631944856989484138444978386656058755310848833689791896484998847550364264104800800578245511762594691161545730891319744107953897993101008217601269310629890308357893793344340072837782716410520818640099771094401772024731084835860689936533035726854175396195351768096519310944631445923638053214575993378468775292865871435742249777979822775014324475845899615096380079899099538453121043851821349178371736640702645304284254885437611441690360616466368202194307769462209963387690446576691969551571041941288302648912827345194286271122230347823246073498285153708579500062656222714954113329293953346495615947784091175883554988117167387650681525781361864450364992605079129770604793291076559668041153558254765774288831330658676910296506538343982699076824147706077401185501337053676875440863113630172067902223837838525802181406003942606507609826320015193807633035586661539150425605940691768637845815434184585255915074081317250319572700370579877977177644345205933505850374212779064837146242765034714569464306865784829936445754893825213995710137567750342556762329137973387913047300554841737506800154984198686923965286147079273203561004647365286049876790788288301130050437207489067798842078443360167772245834103629301041345252122743437501935254370757049878526838283810705343010153283985958550741661374001212323172562230037290597675029278865489570268803618001520280748588481858632332145422181524500970533738858652881625738158955840469334830106366243262210429210258173978186522208306814207038831590332622155464159216193005478809313772661406449321989529908990407599717265354887081027622412165764793106246309910984757869627982700885055259900973567128498437782671492610351088858271463387495833021819318548705558606395846070390500323204636339383655528123657438115225035433947543876805317781492691295772410403746456774175666884503175504415270824258750305653788473882671038340481278188648013647450190431469737277008003041204693859153544058059108384516541261521127088116402349679151317227395183628490922161336429757386698401928682323657056924758648793848799822907606679071280964393541325129231682456669123450140879120137931548652537601508656209183486928384515842973760163601756230697826779237275078471824258664382133759876151537532598429521999758431018087001817485300919479583171049967781322202936864648780744025361452947117776701129210049872555316467204668470989130203733391349501708713181244068921199587314823974568234174792429139799088587794666528769986602820375968045445209219875596678877912103336949894142378173648692130854177898020194629670311101994938157038765957014792056173739623614871557317714453597336202068774935086409386414223375141765601758268418764114651053088281009248246110195084364468926837572992870110411414878770616397817334529367403238061699632089293543118185299881280463481800696201966723511922556078483839325067415562633057448408746541808590342228476964416681055875561781810005936328191844815915658719683522845979901018335050006246392027657149580332319739660376707180429166280658258434773362764563277134220525779869893832824866422909928484939374964071386248088592408142723646533801882861736205992781965360090000802821408763787641023437653119263757280212773694655213507075717622521160227187157631635583682130089364682543007292042009976150135189415923413244100006421082817394988300265734422677548100741829682842668334472314928702968616204691717366798642916146473018363370523427203416579250811577900985980957404830019403600361860520985937973506956557739754741783354728589350876379371163141086538418113791886622720\r\n",
  ],
  [["hincrbyfloat", "ld", "h", "1e4932"], "-ERR increment would produce NaN or Infinity\r\n"],
  [["hincrbyfloat", "ld", "h", "1e4933"], "-ERR value is not a valid float\r\n"],
  [["hincrbyfloat", "ld", "i", "5.0e-4"], "$6\r\n0.0005\r\n"],
  [["hincrbyfloat", "ld", "j", "0x1p3"], "$1\r\n8\r\n"],
  [["hincrbyfloat", "ld", "k", "-0"], "$1\r\n0\r\n"],
  [["hset", "ld", "big", "1e4933"], ":1\r\n"],
  [["hincrbyfloat", "ld", "big", "1"], "-ERR hash value is not a float\r\n"],
  [["hset", "ld", "nanv", "nan"], ":1\r\n"],
  [["hincrbyfloat", "ld", "nanv", "1"], "-ERR hash value is not a float\r\n"],
  [["hset", "ld", "infv", "inf"], ":1\r\n"],
  [["hincrbyfloat", "ld", "infv", "1"], "-ERR increment would produce NaN or Infinity\r\n"],
  [["hincrbyfloat", "str2", "f", "x"], "-ERR value is not a valid float\r\n"],
  [["hset", "str2", "f", "1"], ":1\r\n"],
  [["set", "str2", "x"], "+OK\r\n"],
  [["hincrbyfloat", "str2", "f", "x"], "-ERR value is not a valid float\r\n"],
  [["hincrbyfloat", "str2", "f", "inf"], "-ERR value is NaN or Infinity\r\n"],
  [["hincrbyfloat", "str2", "f", "1"], WRONGTYPE_REPLY],
  // HRANDFIELD argument errors and deterministic shapes
  [["hrandfield", "h", "1", "withvalue"], "-ERR syntax error\r\n"],
  [["hrandfield", "h", "1", "withvalues", "x"], "-ERR syntax error\r\n"],
  [["hrandfield", "h", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["hrandfield", "h", "1.5"], "-ERR value is not an integer or out of range\r\n"],
  [["hrandfield", "nokey", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["hrandfield", "nokey", "5"], "*0\r\n"],
  [["hrandfield", "nokey", "-5", "withvalues"], "*0\r\n"],
  [["hrandfield", "nokey", "5", "foo"], "-ERR syntax error\r\n"],
  [["hrandfield", "h", "0", "withvalues"], "*0\r\n"],
  [["hrandfield", "h", "0"], "*0\r\n"],
  [["hrandfield", "h", "-0"], "-ERR value is not an integer or out of range\r\n"],
  [["hrandfield", "nokey"], "$-1\r\n"],
  [
    ["hrandfield", "h", "-9223372036854775808"],
    "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
  ],
  [["hrandfield", "h", "9223372036854775808"], "-ERR value is not an integer or out of range\r\n"],
  [["hrandfield", "h", "4611686018427387904", "withvalues"], "-ERR value is out of range\r\n"],
  [["hrandfield", "h", "-4611686018427387904", "withvalues"], "-ERR value is out of range\r\n"],
  [["hrandfield", "newh2", "100", "withvalues"], "*0\r\n"],
  [["hset", "newh2", "only", "1"], ":1\r\n"],
  [["hrandfield", "newh2"], "$4\r\nonly\r\n"],
  [["hrandfield", "newh2", "1"], "*1\r\n$4\r\nonly\r\n"],
  [["hrandfield", "newh2", "-3"], "*3\r\n$4\r\nonly\r\n$4\r\nonly\r\n$4\r\nonly\r\n"],
  [
    ["hrandfield", "newh2", "-3", "withvalues"],
    "*6\r\n$4\r\nonly\r\n$1\r\n1\r\n$4\r\nonly\r\n$1\r\n1\r\n$4\r\nonly\r\n$1\r\n1\r\n",
  ],
  [["hrandfield", "newh2", "3", "WITHVALUES"], "*2\r\n$4\r\nonly\r\n$1\r\n1\r\n"],
  [["hrandfield", "newh2", "4611686018427387903", "withvalues"], "*2\r\n$4\r\nonly\r\n$1\r\n1\r\n"],
  // HSCAN
  [
    ["hscan", "h", "0", "count", "1"],
    "*2\r\n$1\r\n0\r\n*30\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nd\r\n$3\r\n-86\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n6\r\n$1\r\nn\r\n$2\r\n-2\r\n$1\r\nm\r\n$20\r\n-9223372036854775807\r\n$1\r\ns\r\n$3\r\n 12\r\n$1\r\nt\r\n$3\r\n12 \r\n$1\r\nu\r\n$1\r\n6\r\n$1\r\nv\r\n$2\r\n-0\r\n$1\r\nw\r\n$1\r\n8\r\n$1\r\ny\r\n$6\r\n1001.5\r\n$1\r\nz\r\n$2\r\n17\r\n$1\r\nq\r\n$1\r\n0\r\n$1\r\nr\r\n$4\r\n10.5\r\n",
  ],
  [["hscan", "h", "0", "match", "b*"], "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\n0\r\n"],
  [
    ["hscan", "h", "0", "MATCH", "*", "COUNT", "1000"],
    "*2\r\n$1\r\n0\r\n*30\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nd\r\n$3\r\n-86\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n6\r\n$1\r\nn\r\n$2\r\n-2\r\n$1\r\nm\r\n$20\r\n-9223372036854775807\r\n$1\r\ns\r\n$3\r\n 12\r\n$1\r\nt\r\n$3\r\n12 \r\n$1\r\nu\r\n$1\r\n6\r\n$1\r\nv\r\n$2\r\n-0\r\n$1\r\nw\r\n$1\r\n8\r\n$1\r\ny\r\n$6\r\n1001.5\r\n$1\r\nz\r\n$2\r\n17\r\n$1\r\nq\r\n$1\r\n0\r\n$1\r\nr\r\n$4\r\n10.5\r\n",
  ],
  [["hscan", "h", "0", "count", "0"], "-ERR syntax error\r\n"],
  [["hscan", "h", "0", "count", "-1"], "-ERR syntax error\r\n"],
  [["hscan", "h", "0", "count", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["hscan", "h", "0", "match"], "-ERR syntax error\r\n"],
  [["hscan", "h", "0", "match", "a", "count"], "-ERR syntax error\r\n"],
  [["hscan", "h", "0", "type", "string"], "-ERR syntax error\r\n"],
  [["hscan", "h", "0", "foo", "bar"], "-ERR syntax error\r\n"],
  [["hscan", "h", "x"], "-ERR invalid cursor\r\n"],
  [["hscan", "h", "1x"], "-ERR invalid cursor\r\n"],
  [["hscan", "h", " 0"], "-ERR invalid cursor\r\n"],
  [
    ["hscan", "h", ""],
    "*2\r\n$1\r\n0\r\n*30\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nd\r\n$3\r\n-86\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n6\r\n$1\r\nn\r\n$2\r\n-2\r\n$1\r\nm\r\n$20\r\n-9223372036854775807\r\n$1\r\ns\r\n$3\r\n 12\r\n$1\r\nt\r\n$3\r\n12 \r\n$1\r\nu\r\n$1\r\n6\r\n$1\r\nv\r\n$2\r\n-0\r\n$1\r\nw\r\n$1\r\n8\r\n$1\r\ny\r\n$6\r\n1001.5\r\n$1\r\nz\r\n$2\r\n17\r\n$1\r\nq\r\n$1\r\n0\r\n$1\r\nr\r\n$4\r\n10.5\r\n",
  ],
  [
    ["hscan", "h", "-1"],
    "*2\r\n$1\r\n0\r\n*30\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nd\r\n$3\r\n-86\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n6\r\n$1\r\nn\r\n$2\r\n-2\r\n$1\r\nm\r\n$20\r\n-9223372036854775807\r\n$1\r\ns\r\n$3\r\n 12\r\n$1\r\nt\r\n$3\r\n12 \r\n$1\r\nu\r\n$1\r\n6\r\n$1\r\nv\r\n$2\r\n-0\r\n$1\r\nw\r\n$1\r\n8\r\n$1\r\ny\r\n$6\r\n1001.5\r\n$1\r\nz\r\n$2\r\n17\r\n$1\r\nq\r\n$1\r\n0\r\n$1\r\nr\r\n$4\r\n10.5\r\n",
  ],
  [
    ["hscan", "h", "-18446744073709551615"],
    "*2\r\n$1\r\n0\r\n*30\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nd\r\n$3\r\n-86\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n6\r\n$1\r\nn\r\n$2\r\n-2\r\n$1\r\nm\r\n$20\r\n-9223372036854775807\r\n$1\r\ns\r\n$3\r\n 12\r\n$1\r\nt\r\n$3\r\n12 \r\n$1\r\nu\r\n$1\r\n6\r\n$1\r\nv\r\n$2\r\n-0\r\n$1\r\nw\r\n$1\r\n8\r\n$1\r\ny\r\n$6\r\n1001.5\r\n$1\r\nz\r\n$2\r\n17\r\n$1\r\nq\r\n$1\r\n0\r\n$1\r\nr\r\n$4\r\n10.5\r\n",
  ],
  [
    ["hscan", "h", "+0"],
    "*2\r\n$1\r\n0\r\n*30\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nd\r\n$3\r\n-86\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n6\r\n$1\r\nn\r\n$2\r\n-2\r\n$1\r\nm\r\n$20\r\n-9223372036854775807\r\n$1\r\ns\r\n$3\r\n 12\r\n$1\r\nt\r\n$3\r\n12 \r\n$1\r\nu\r\n$1\r\n6\r\n$1\r\nv\r\n$2\r\n-0\r\n$1\r\nw\r\n$1\r\n8\r\n$1\r\ny\r\n$6\r\n1001.5\r\n$1\r\nz\r\n$2\r\n17\r\n$1\r\nq\r\n$1\r\n0\r\n$1\r\nr\r\n$4\r\n10.5\r\n",
  ],
  [
    ["hscan", "h", "18446744073709551615"],
    "*2\r\n$1\r\n0\r\n*30\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nd\r\n$3\r\n-86\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n6\r\n$1\r\nn\r\n$2\r\n-2\r\n$1\r\nm\r\n$20\r\n-9223372036854775807\r\n$1\r\ns\r\n$3\r\n 12\r\n$1\r\nt\r\n$3\r\n12 \r\n$1\r\nu\r\n$1\r\n6\r\n$1\r\nv\r\n$2\r\n-0\r\n$1\r\nw\r\n$1\r\n8\r\n$1\r\ny\r\n$6\r\n1001.5\r\n$1\r\nz\r\n$2\r\n17\r\n$1\r\nq\r\n$1\r\n0\r\n$1\r\nr\r\n$4\r\n10.5\r\n",
  ],
  [["hscan", "h", "18446744073709551616"], "-ERR invalid cursor\r\n"],
  [["hscan", "nokey", "0"], "*2\r\n$1\r\n0\r\n*0\r\n"],
  [["hscan", "nokey", "x"], "-ERR invalid cursor\r\n"],
  [["hscan", "nokey", "0", "count", "0"], "*2\r\n$1\r\n0\r\n*0\r\n"],
  // WRONGTYPE everywhere
  [["set", "str", "x"], "+OK\r\n"],
  [["hset", "str", "a", "1"], WRONGTYPE_REPLY],
  [["hmset", "str", "a", "1"], WRONGTYPE_REPLY],
  [["hsetnx", "str", "a", "1"], WRONGTYPE_REPLY],
  [["hget", "str", "a"], WRONGTYPE_REPLY],
  [["hmget", "str", "a"], WRONGTYPE_REPLY],
  [["hdel", "str", "a"], WRONGTYPE_REPLY],
  [["hlen", "str"], WRONGTYPE_REPLY],
  [["hstrlen", "str", "a"], WRONGTYPE_REPLY],
  [["hexists", "str", "a"], WRONGTYPE_REPLY],
  [["hkeys", "str"], WRONGTYPE_REPLY],
  [["hvals", "str"], WRONGTYPE_REPLY],
  [["hgetall", "str"], WRONGTYPE_REPLY],
  [["hincrby", "str", "a", "1"], WRONGTYPE_REPLY],
  [["hincrby", "str", "a", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["hincrbyfloat", "str", "a", "1"], WRONGTYPE_REPLY],
  [["hincrbyfloat", "str", "a", "x"], "-ERR value is not a valid float\r\n"],
  [["hrandfield", "str"], WRONGTYPE_REPLY],
  [["hrandfield", "str", "1"], WRONGTYPE_REPLY],
  [["hrandfield", "str", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["hscan", "str", "0"], WRONGTYPE_REPLY],
  [["hscan", "str", "x"], "-ERR invalid cursor\r\n"],
  [["get", "str"], "$1\r\nx\r\n"],
  // arity
  [["hget", "h"], "-ERR wrong number of arguments for 'hget' command\r\n"],
  [["hgetall"], "-ERR wrong number of arguments for 'hgetall' command\r\n"],
  [["hlen", "h", "x"], "-ERR wrong number of arguments for 'hlen' command\r\n"],
  [["hstrlen", "h"], "-ERR wrong number of arguments for 'hstrlen' command\r\n"],
  [["hexists", "h"], "-ERR wrong number of arguments for 'hexists' command\r\n"],
  [["hincrby", "h", "a"], "-ERR wrong number of arguments for 'hincrby' command\r\n"],
  [
    ["hincrbyfloat", "h", "a", "1", "2"],
    "-ERR wrong number of arguments for 'hincrbyfloat' command\r\n",
  ],
  [["hrandfield"], "-ERR wrong number of arguments for 'hrandfield' command\r\n"],
  [["hscan", "h"], "-ERR wrong number of arguments for 'hscan' command\r\n"],
  [["hdel", "h"], "-ERR wrong number of arguments for 'hdel' command\r\n"],
  [["hmget", "h"], "-ERR wrong number of arguments for 'hmget' command\r\n"],
  [["hsetnx", "h", "a"], "-ERR wrong number of arguments for 'hsetnx' command\r\n"],
  [["hkeys", "h", "x"], "-ERR wrong number of arguments for 'hkeys' command\r\n"],
];

/** RESP3 (after HELLO 3), in order on a fresh server. */
const HASH_R3: Row[] = [
  [["hset", "h", "a", "1", "b", "2"], ":2\r\n"],
  [["hget", "h", "a"], "$1\r\n1\r\n"],
  [["hget", "h", "zz"], "_\r\n"],
  [["hget", "nokey", "a"], "_\r\n"],
  [["hmget", "h", "a", "zz"], "*2\r\n$1\r\n1\r\n_\r\n"],
  [["hmget", "nokey", "a"], "*1\r\n_\r\n"],
  [["hgetall", "h"], "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"],
  [["hgetall", "nokey"], "%0\r\n"],
  [["hkeys", "h"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
  [["hvals", "nokey"], "*0\r\n"],
  [["hexists", "h", "a"], ":1\r\n"],
  [["hincrbyfloat", "h", "f", "1.5"], "$3\r\n1.5\r\n"],
  [["hrandfield", "nokey"], "_\r\n"],
  [["hrandfield", "nokey", "3"], "*0\r\n"],
  [["hrandfield", "nokey", "3", "withvalues"], "*0\r\n"],
  [["hrandfield", "h", "0", "withvalues"], "*0\r\n"],
  [
    ["hrandfield", "h", "10", "withvalues"],
    "*3\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\nf\r\n$3\r\n1.5\r\n",
  ],
  [["hrandfield", "h", "10"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nf\r\n"],
  [["hset", "one", "f", "v"], ":1\r\n"],
  [["hrandfield", "one"], "$1\r\nf\r\n"],
  [
    ["hrandfield", "one", "-2", "withvalues"],
    "*2\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
  ],
  [["hrandfield", "one", "1", "withvalues"], "*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"],
  [["hrandfield", "one", "-2"], "*2\r\n$1\r\nf\r\n$1\r\nf\r\n"],
  [
    ["hscan", "h", "0"],
    "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nf\r\n$3\r\n1.5\r\n",
  ],
  [["hscan", "nokey", "0"], "*2\r\n$1\r\n0\r\n*0\r\n"],
  [["hscan", "h", "x"], "-ERR invalid cursor\r\n"],
  [["hset", "str", "x", "y"], ":1\r\n"],
  [["set", "str", "x"], "+OK\r\n"],
  [["hgetall", "str"], WRONGTYPE_REPLY],
];

/** Encoding conversions driven by CONFIG SET hash-max-listpack-*. */
const HASH_ENC: Row[] = [
  [["config", "set", "hash-max-listpack-entries", "4"], "+OK\r\n"],
  [["config", "set", "hash-max-listpack-value", "8"], "+OK\r\n"],
  [["hset", "h", "a", "1", "b", "2", "c", "3", "d", "4"], ":4\r\n"],
  [["object", "encoding", "h"], "$8\r\nlistpack\r\n"],
  [["hset", "h", "e", "5"], ":1\r\n"],
  [["object", "encoding", "h"], "$9\r\nhashtable\r\n"],
  [["hdel", "h", "a", "b", "c", "d"], ":4\r\n"],
  [["object", "encoding", "h"], "$9\r\nhashtable\r\n"],
  [["hset", "h2", "f", "123456789"], ":1\r\n"],
  [["object", "encoding", "h2"], "$9\r\nhashtable\r\n"],
  [["hset", "h3", "a", "1", "a", "2", "a", "3", "a", "4", "a", "5"], ":1\r\n"],
  [["object", "encoding", "h3"], "$9\r\nhashtable\r\n"],
  [["hlen", "h3"], ":1\r\n"],
  [["hset", "h4", "a", "1", "a", "2", "a", "3", "a", "4"], ":1\r\n"],
  [["object", "encoding", "h4"], "$8\r\nlistpack\r\n"],
  [["hset", "h5", "123456789", "x"], ":1\r\n"],
  [["object", "encoding", "h5"], "$9\r\nhashtable\r\n"],
  [["hsetnx", "h6", "a", "123456789"], ":1\r\n"],
  [["object", "encoding", "h6"], "$9\r\nhashtable\r\n"],
  [["hsetnx", "h7", "123456789", "a"], ":1\r\n"],
  [["object", "encoding", "h7"], "$9\r\nhashtable\r\n"],
  [["hincrby", "h8", "a", "123456789"], ":123456789\r\n"],
  [["object", "encoding", "h8"], "$9\r\nhashtable\r\n"],
  [["hincrby", "h9", "a", "12345678"], ":12345678\r\n"],
  [["object", "encoding", "h9"], "$8\r\nlistpack\r\n"],
  [["hincrby", "h9", "a", "1"], ":12345679\r\n"],
  [["object", "encoding", "h9"], "$8\r\nlistpack\r\n"],
  [["hincrby", "h10", "longfield9", "1"], ":1\r\n"],
  [["object", "encoding", "h10"], "$9\r\nhashtable\r\n"],
  [["hincrbyfloat", "h11", "a", "1234567.5"], "$9\r\n1234567.5\r\n"],
  [["object", "encoding", "h11"], "$9\r\nhashtable\r\n"],
  [["hincrbyfloat", "h12", "a", "123456.5"], "$8\r\n123456.5\r\n"],
  [["object", "encoding", "h12"], "$8\r\nlistpack\r\n"],
  [["hmset", "h13", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5"], "+OK\r\n"],
  [["object", "encoding", "h13"], "$9\r\nhashtable\r\n"],
  [["hset", "h14", "a", "1"], ":1\r\n"],
  [["hsetnx", "h14", "b", "2"], ":1\r\n"],
  [["hsetnx", "h14", "c", "3"], ":1\r\n"],
  [["hsetnx", "h14", "d", "4"], ":1\r\n"],
  [["hsetnx", "h14", "e", "5"], ":1\r\n"],
  [["object", "encoding", "h14"], "$9\r\nhashtable\r\n"],
  [["config", "set", "hash-max-listpack-entries", "0"], "+OK\r\n"],
  [["hset", "h15", "a", "1"], ":1\r\n"],
  [["object", "encoding", "h15"], "$9\r\nhashtable\r\n"],
  [["config", "set", "hash-max-listpack-entries", "512"], "+OK\r\n"],
  [["config", "set", "hash-max-listpack-value", "0"], "+OK\r\n"],
  [["hset", "h16", "a", ""], ":1\r\n"],
  [["object", "encoding", "h16"], "$9\r\nhashtable\r\n"],
  [["hset", "h17", "", ""], ":1\r\n"],
  [["object", "encoding", "h17"], "$8\r\nlistpack\r\n"],
];

/** Rows where valkey-server 8.0 differs from Redis 7.2 (cursor parsing). */
const VALKEY_DIFFERS = new Set([
  JSON.stringify(["hscan", "h", " 0"]),
  JSON.stringify(["hscan", "h", ""]),
  JSON.stringify(["hscan", "h", "-1"]),
]);

Deno.test("hash: exact replies and errors (RESP2)", async () => {
  await withClient({}, (c) => expectReplies(c, HASH_R2));
});

Deno.test("hash: exact replies (RESP3: maps, nulls, WITHVALUES pairs)", async () => {
  await withClient({}, async (c, srv) => {
    await resp3(srv, c);
    await expectReplies(c, HASH_R3);
  });
});

Deno.test("hash: encodings follow hash-max-listpack-entries/value", async () => {
  await withClient({}, async (c, srv) => {
    await expectReplies(c, HASH_ENC);
    // Defaults: 512 entries, 64 bytes.
    await c.call("config", "set", "hash-max-listpack-entries", "512");
    await c.call("config", "set", "hash-max-listpack-value", "64");
    const args: string[] = [];
    for (let i = 0; i < 512; i++) args.push("f" + i, "v");
    assert.equal(await c.call("hset", "d", ...args), ":512\r\n");
    assert.equal(await c.call("object", "encoding", "d"), "$8\r\nlistpack\r\n");
    assert.equal(await c.call("hset", "d", "f512", "v"), ":1\r\n");
    assert.equal(await c.call("object", "encoding", "d"), "$9\r\nhashtable\r\n");
    assert.equal(await c.call("hset", "e", "f", "x".repeat(64)), ":1\r\n");
    assert.equal(await c.call("object", "encoding", "e"), "$8\r\nlistpack\r\n");
    assert.equal(await c.call("hset", "e", "g", "x".repeat(65)), ":1\r\n");
    assert.equal(await c.call("object", "encoding", "e"), "$9\r\nhashtable\r\n");
    // Listpack order is insertion order and survives deletes and updates.
    await c.call("hset", "o", "z", "1", "y", "2", "x", "3", "w", "4");
    await c.call("hdel", "o", "y");
    await c.call("hset", "o", "z", "9", "v", "5");
    assert.equal(
      await c.call("hkeys", "o"),
      "*4\r\n$1\r\nz\r\n$1\r\nx\r\n$1\r\nw\r\n$1\r\nv\r\n",
    );
    const v = srv.db().get("o");
    assert.ok(v instanceof RedisHash && v.encoding() === "listpack");
  });
});

Deno.test("hash: binary-safe fields and values", async () => {
  await withClient({}, async (c) => {
    const all = new Uint8Array(256).map((_, i) => i);
    const field = Uint8Array.from([0, 13, 10, 255, 0x80, 36, 42]);
    assert.equal(await c.call("hset", "b", field, all, "plain", Uint8Array.of(0)), ":2\r\n");
    const want = (b: Uint8Array) => `$${b.length}\r\n${bytesToBinary(b)}\r\n`;
    assert.equal(await c.call("hget", "b", field), want(all));
    assert.equal(await c.call("hstrlen", "b", field), ":256\r\n");
    assert.equal(await c.call("hexists", "b", field), ":1\r\n");
    assert.equal(
      await c.call("hgetall", "b"),
      `*4\r\n${want(field)}${want(all)}$5\r\nplain\r\n${want(Uint8Array.of(0))}`,
    );
    assert.equal(
      await c.call("hscan", "b", "0", "match", Uint8Array.from([0, 42])),
      `*2\r\n$1\r\n0\r\n*2\r\n${want(field)}${want(all)}`,
    );
    const key = Uint8Array.from([255, 0, 1]);
    assert.equal(await c.call("hincrby", key, field, "-5"), ":-5\r\n");
    assert.equal(await c.call("hincrbyfloat", key, field, "0.5"), "$4\r\n-4.5\r\n");
    assert.equal(await c.call("hdel", "b", field, "plain"), ":2\r\n");
    assert.equal(await c.call("exists", "b"), ":0\r\n");
  });
});

Deno.test("hash: keyspace events, dirty counter and propagation", async () => {
  await withClient({}, async (c, srv) => {
    const { step } = recordEffects(c, srv, "Eghn");
    await step(["hset", "h", "a", "1", "b", "2"], ":2\r\n", ["new h", "hset h"], [
      "hset h a 1 b 2",
    ], 2);
    await step(["hset", "h", "a", "1", "c", "3", "d", "4"], ":2\r\n", ["hset h"], [
      "hset h a 1 c 3 d 4",
    ], 3);
    await step(["hmset", "h", "e", "5"], "+OK\r\n", ["hset h"], ["hmset h e 5"], 1);
    await step(["hsetnx", "h", "a", "x"], ":0\r\n", [], [], 0);
    await step(["hsetnx", "h", "f", "6"], ":1\r\n", ["hset h"], ["hsetnx h f 6"], 1);
    await step(["hincrby", "h", "n", "5"], ":5\r\n", ["hincrby h"], ["hincrby h n 5"], 1);
    await step(
      ["hincrby", "h", "a", "x"],
      "-ERR value is not an integer or out of range\r\n",
      [],
      [],
      0,
    );
    await step(["hincrbyfloat", "h", "n", "1.5"], "$3\r\n6.5\r\n", ["hincrbyfloat h"], [
      "HSET h n 6.5",
    ], 1);
    await step(
      ["hincrbyfloat", "h2", "x", "2e1"],
      "$2\r\n20\r\n",
      [
        "new h2",
        "hincrbyfloat h2",
      ],
      ["HSET h2 x 20"],
      1,
    );
    await step(["hdel", "h", "zz"], ":0\r\n", [], [], 0);
    await step(["hdel", "h", "a", "b", "zz"], ":2\r\n", ["hdel h"], ["hdel h a b zz"], 2);
    await step(["hdel", "h2", "x"], ":1\r\n", ["hdel h2", "del h2"], ["hdel h2 x"], 1);
    await step(["hget", "h", "c"], "$1\r\n3\r\n", [], [], 0);
    // The "m" class reports read misses.
    srv.server.config.set("notify-keyspace-events", "Em");
    await step(["hget", "nokey", "c"], "$-1\r\n", ["keymiss nokey"], [], 0);
    await step(["hset", "nokey2", "c", "1"], ":1\r\n", [], ["hset nokey2 c 1"], 1);
  });
});

Deno.test("hash: keyspace hits/misses and MULTI/EXEC propagation of HINCRBYFLOAT", async () => {
  await withClient({}, async (c, srv) => {
    const stats = srv.stats;
    await c.call("hset", "h", "a", "1");
    const h0 = stats.keyspaceHits, m0 = stats.keyspaceMisses;
    await c.call("hget", "h", "a");
    await c.call("hget", "nokey", "a");
    await c.call("hmget", "h", "a", "b");
    await c.call("hset", "h", "b", "2"); // writes don't count
    assert.equal(stats.keyspaceHits - h0, 2);
    assert.equal(stats.keyspaceMisses - m0, 1);
    const prop = capturePropagation(srv);
    await c.call("multi");
    await c.call("hincrbyfloat", "h", "a", "0.5");
    await c.call("hincrby", "h", "a", "1");
    assert.equal(await c.call("exec"), "*2\r\n$3\r\n1.5\r\n-ERR hash value is not an integer\r\n");
    assert.deepEqual(prop, ["HSET h a 1.5"]);
  });
});

// ---------------------------------------------------------------------------
// Randomized model test

async function modelRun(seed: number, options: Record<string, number>): Promise<void> {
  await withClient(options, async (c) => {
    const rand = rng(seed);
    const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)];
    const keys = ["k1", "k2", "k3"];
    const fields = Array.from({ length: 24 }, (_, i) => "f" + i);
    const values = ["", "0", "1", "-7", "12", "abc", "v".repeat(9), "x\r\ny", "99999"];
    const model = new Map<string, Map<string, string>>();
    const get = (k: string) => model.get(k);
    for (let step = 0; step < 3000; step++) {
      const key = pick(keys);
      const h = get(key);
      const op = Math.floor(rand() * 13);
      let args: string[];
      let want: string | null = null;
      switch (op) {
        case 0:
        case 1: {
          const n = 1 + Math.floor(rand() * 3);
          args = ["hset", key];
          const m = h ?? new Map<string, string>();
          let created = 0;
          for (let i = 0; i < n; i++) {
            const f = pick(fields), v = pick(values);
            args.push(f, v);
            if (!m.has(f)) created++;
            m.set(f, v);
          }
          model.set(key, m);
          want = int(created);
          break;
        }
        case 2: {
          const f = pick(fields), v = pick(values);
          args = ["hsetnx", key, f, v];
          const m = h ?? new Map<string, string>();
          want = int(m.has(f) ? 0 : 1);
          if (!m.has(f)) m.set(f, v);
          model.set(key, m);
          break;
        }
        case 3:
        case 4: {
          const n = 1 + Math.floor(rand() * 3);
          args = ["hdel", key];
          let deleted = 0;
          for (let i = 0; i < n; i++) {
            const f = pick(fields);
            args.push(f);
            if (h?.delete(f)) deleted++;
          }
          if (h && h.size === 0) model.delete(key);
          want = int(deleted);
          break;
        }
        case 5: {
          const f = pick(fields);
          args = ["hget", key, f];
          const v = h?.get(f);
          want = v === undefined ? "$-1\r\n" : bulk(v);
          break;
        }
        case 6: {
          const fs = [pick(fields), pick(fields)];
          args = ["hmget", key, ...fs];
          want = `*2\r\n` + fs.map((f) => {
            const v = h?.get(f);
            return v === undefined ? "$-1\r\n" : bulk(v);
          }).join("");
          break;
        }
        case 7:
          args = ["hlen", key];
          want = int(h?.size ?? 0);
          break;
        case 8: {
          const f = pick(fields);
          args = [pick(["hexists", "hstrlen"]), key, f];
          want = args[0] === "hexists" ? int(h?.has(f) ? 1 : 0) : int(h?.get(f)?.length ?? 0);
          break;
        }
        case 9: {
          const f = pick(fields);
          const incr = Math.floor(rand() * 200) - 100;
          args = ["hincrby", key, f, String(incr)];
          const cur = h?.get(f);
          if (cur !== undefined && !/^(0|-?[1-9][0-9]*)$/.test(cur)) {
            want = "-ERR hash value is not an integer\r\n";
          } else {
            const nv = BigInt(cur ?? "0") + BigInt(incr);
            const m = h ?? new Map<string, string>();
            m.set(f, String(nv));
            model.set(key, m);
            want = int(nv);
          }
          break;
        }
        case 10: {
          // Whole-hash replies: exact order while listpack, as a set otherwise.
          args = [pick(["hgetall", "hkeys", "hvals"]), key];
          const got = await c.call(...args);
          const enc = h ? await c.call("object", "encoding", key) : "";
          const entries = [...(h ?? new Map()).entries()];
          const flat = args[0] === "hgetall"
            ? entries.flat()
            : entries.map(([f, v]) => (args[0] === "hkeys" ? f : v));
          if (enc === "" || enc.includes("listpack")) {
            assert.equal(got, `*${flat.length}\r\n` + flat.map(bulk).join(""), args.join(" "));
          } else {
            const g = bulks(got);
            if (args[0] === "hgetall") {
              const pairs = [];
              for (let i = 0; i < g.length; i += 2) pairs.push(g[i] + "=" + g[i + 1]);
              assert.deepEqual(pairs.sort(), entries.map(([f, v]) => f + "=" + v).sort());
            } else {
              assert.deepEqual(g.sort(), flat.sort());
            }
          }
          continue;
        }
        case 11: {
          const count = Math.floor(rand() * 30) - 15;
          const withValues = rand() < 0.5;
          args = ["hrandfield", key, String(count)];
          if (withValues) args.push("withvalues");
          const got = bulks(await c.call(...args));
          const m = h ?? new Map<string, string>();
          const names = withValues ? got.filter((_, i) => i % 2 === 0) : got;
          if (withValues) {
            for (let i = 0; i < got.length; i += 2) assert.equal(m.get(got[i]), got[i + 1]);
          }
          for (const f of names) assert.ok(m.has(f), f);
          if (m.size === 0) assert.equal(names.length, 0);
          else if (count >= 0) {
            assert.equal(names.length, Math.min(count, m.size));
            assert.equal(new Set(names).size, names.length);
          } else assert.equal(names.length, -count);
          continue;
        }
        default: {
          // A complete HSCAN returns every field with its value.
          const seen = new Map<string, string>();
          let cursor = "0";
          do {
            const raw = await c.call("hscan", key, cursor, "count", "3");
            const parts = bulks(raw);
            cursor = parts[0];
            for (let i = 1; i < parts.length; i += 2) seen.set(parts[i], parts[i + 1]);
          } while (cursor !== "0");
          assert.deepEqual([...seen.entries()].sort(), [...(h ?? new Map()).entries()].sort());
          continue;
        }
      }
      assert.equal(await c.call(...args), want, `step ${step}: ${args.join(" ")}`);
    }
    // Empty hashes never linger.
    for (const k of keys) {
      assert.equal(await c.call("exists", k), int(model.has(k) ? 1 : 0));
    }
  });
}

Deno.test("hash: randomized model test (small listpack limits)", async () => {
  await modelRun(1, { "hash-max-listpack-entries": 6, "hash-max-listpack-value": 4 });
});

Deno.test("hash: randomized model test (default limits)", async () => {
  await modelRun(2, {});
});

// ---------------------------------------------------------------------------
// HSCAN guarantee

Deno.test("hash: HSCAN returns every field present for the whole scan while the hash changes", async () => {
  await withClient({}, async (c) => {
    const rand = rng(7);
    for (const mode of ["grow", "shrink", "churn"]) {
      await c.call("del", "h");
      const stable: string[] = [];
      const volatile: string[] = [];
      const args: string[] = [];
      for (let i = 0; i < 1500; i++) {
        const f = "s" + i;
        stable.push(f);
        args.push(f, "v");
      }
      for (let i = 0; i < 1500; i++) {
        const f = "t" + i;
        volatile.push(f);
        args.push(f, "v");
      }
      await c.call("hset", "h", ...args);
      const seen = new Set<string>();
      let cursor = "0";
      let added = 0;
      let calls = 0;
      do {
        const parts = bulks(await c.call("hscan", "h", cursor, "count", "17"));
        cursor = parts[0];
        for (let i = 1; i < parts.length; i += 2) seen.add(parts[i]);
        calls++;
        if (mode !== "shrink") {
          const more: string[] = [];
          for (let k = 0; k < 25; k++) more.push("n" + added++, "v");
          await c.call("hset", "h", ...more);
        }
        if (mode !== "grow" && volatile.length > 0) {
          const del: string[] = [];
          for (let k = 0; k < 40 && volatile.length > 0; k++) {
            del.push(volatile.splice(Math.floor(rand() * volatile.length), 1)[0]);
          }
          await c.call("hdel", "h", ...del);
        }
        assert.ok(calls < 5000, "scan must terminate");
      } while (cursor !== "0");
      for (const f of stable) assert.ok(seen.has(f), `${mode}: ${f} missed`);
    }
    // A listpack hash comes back whole with cursor 0 whatever COUNT says.
    await c.call("hset", "small", "a", "1", "b", "2", "c", "3");
    assert.equal(
      await c.call("hscan", "small", "0", "count", "1"),
      "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
  });
});

// ---------------------------------------------------------------------------
// Client libraries

Deno.test("hash: ioredis round trips (objects, Buffers, HSCAN stream)", async () => {
  await withServer({}, async (srv) => {
    await withIoredis(srv.port, async (redis) => {
      assert.equal(await redis.hset("h", { a: "1", b: "héllo", c: "3" }), 3);
      assert.deepEqual(await redis.hgetall("h"), { a: "1", b: "héllo", c: "3" });
      assert.deepEqual(await redis.hgetall("missing"), {});
      assert.deepEqual(await redis.hmget("h", "a", "zz", "c"), ["1", null, "3"]);
      assert.equal(await redis.hincrby("h", "a", 41), 42);
      assert.equal(await redis.hincrbyfloat("h", "a", "0.5"), "42.5");
      assert.equal(await redis.hsetnx("h", "a", "x"), 0);
      assert.deepEqual((await redis.hkeys("h")).sort(), ["a", "b", "c"]);
      assert.equal(await redis.hlen("h"), 3);
      assert.equal(await redis.hstrlen("h", "b"), 6);
      const f = await redis.hrandfield("h");
      assert.ok(["a", "b", "c"].includes(f as string));
      assert.equal((await redis.hrandfield("h", -5))?.length, 5);
      await assert.rejects(redis.hincrby("h", "b", 1), /ERR hash value is not an integer/);
      const bf = Buffer.from([0, 255, 13, 10]);
      const bv = Buffer.from([1, 2, 0, 200]);
      assert.equal(await redis.hset(Buffer.from("bin"), bf, bv), 1);
      const all = await redis.hgetallBuffer("bin");
      assert.deepEqual(Object.keys(all).length, 1);
      assert.deepEqual(await redis.hgetBuffer("bin", bf), bv);
      const pairs: string[] = [];
      for (let i = 0; i < 1000; i++) pairs.push("f" + i, String(i));
      await redis.hset("big", ...pairs);
      const seen = await readScanStream(redis.hscanStream("big", { count: 50 }), true);
      assert.equal(seen.size, 1000);
      assert.equal(await redis.hdel("big", "f1", "f2", "nope"), 2);
    }, { enableReadyCheck: false });
  });
});

Deno.test("hash: node-redis round trips (RESP2 and RESP3)", async () => {
  await withServer({}, async (srv) => {
    await withNodeRedis(srv.port, async (client) => {
      await client.del("h");
      assert.equal(await client.hSet("h", { a: "1", b: "2" }), 2);
      assert.deepEqual({ ...(await client.hGetAll("h")) }, { a: "1", b: "2" });
      assert.deepEqual({ ...(await client.hGetAll("missing")) }, {});
      assert.equal(await client.hGet("h", "a"), "1");
      assert.equal(await client.hGet("h", "zz"), null);
      assert.deepEqual(await client.hmGet("h", ["a", "zz"]), ["1", null]);
      assert.equal(await client.hIncrBy("h", "a", 9), 10);
      assert.equal(String(await client.hIncrByFloat("h", "a", 0.25)), "10.25");
      assert.equal(await client.hExists("h", "b"), 1);
      assert.deepEqual((await client.hVals("h")).sort(), ["10.25", "2"]);
      assert.equal(await client.hDel("h", ["a", "b"]), 2);
      assert.equal(await client.exists("h"), 0);
    });
  });
});

// ---------------------------------------------------------------------------
// Reference server

Deno.test({
  name: "hash: byte-identical to valkey-server (recorded tables and generated sequences)",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withOursAndReference({}, async (ours, ref, srv) => {
      const both = (args: string[]) => callBoth(ours, ref, args);
      for (const rows of [HASH_R2, HASH_ENC]) {
        await both(["flushall"]);
        for (const [args] of rows) {
          const [a, b] = await both(args);
          if (!VALKEY_DIFFERS.has(JSON.stringify(args))) assert.equal(a, b, args.join(" "));
        }
      }
      await both(["config", "set", "hash-max-listpack-entries", "8"]);
      await both(["config", "set", "hash-max-listpack-value", "5"]);
      const rand = rng(99);
      const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)];
      const fields = Array.from({ length: 12 }, (_, i) => "f" + i);
      const vals = ["1", "-2", "abc", "123456", "7.5", ""];
      for (let i = 0; i < 800; i++) {
        const key = pick(["a", "b"]);
        const f = pick(fields);
        const cmd = pick([
          ["hset", key, f, pick(vals), pick(fields), pick(vals)],
          ["hsetnx", key, f, pick(vals)],
          ["hdel", key, f, pick(fields)],
          ["hincrby", key, f, String(Math.floor(rand() * 9) - 4)],
          ["hincrbyfloat", key, f, pick(["0.5", "-1.25", "3"])],
          ["hget", key, f],
          ["hstrlen", key, f],
          ["hlen", key],
          ["hgetall", key],
          ["hkeys", key],
          ["object", "encoding", key],
          ["hrandfield", key, "100", "withvalues"],
        ]);
        const [a, b] = await both(cmd);
        const enc = await ours.call("object", "encoding", key);
        if (enc.includes("hashtable") && ["hgetall", "hkeys", "hrandfield"].includes(cmd[0])) {
          assert.deepEqual(bulks(a).sort(), bulks(b).sort(), cmd.join(" "));
        } else {
          assert.equal(a, b, cmd.join(" "));
        }
      }
      await resp3(srv, ours);
      await ref.call("hello", "3");
      await both(["flushall"]);
      for (const [args] of HASH_R3) {
        const [a, b] = await both(args);
        assert.equal(a, b, "RESP3 " + args.join(" "));
      }
    });
  },
});

Deno.test({
  name: "hash: COMMAND INFO and COMMAND DOCS rows match valkey-server",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withOursAndReference({}, async (ours, ref) => {
      // Valkey 8.0 documents HSCAN's NOVALUES (Redis 7.4); Redis 7.2 has no such argument.
      const names = hashCommands.map((spec) => spec.name);
      await expectSameCommandRows(ours, ref, names, new Set(["hscan"]));
    });
  },
});

// ---------------------------------------------------------------------------
// Scale

Deno.test("hash: a 1,000,000-field hash stays responsive", async () => {
  await withClient({}, async (c, srv) => {
    const h = new RedisHash("hashtable");
    const v = new TextEncoder().encode("value");
    for (let i = 0; i < 1_000_000; i++) h.set("field:" + i, v);
    srv.db().set("big", h);
    const expect = (args: string[], check: (r: string) => void) => expectReply(c, args, check);
    await expect(["hlen", "big"], (r) => assert.equal(r, ":1000000\r\n"));
    await expect(["hget", "big", "field:777777"], (r) => assert.equal(r, "$5\r\nvalue\r\n"));
    await expect(["hset", "big", "new", "x"], (r) => assert.equal(r, ":1\r\n"));
    await expect(["hdel", "big", "field:1", "field:999999"], (r) => assert.equal(r, ":2\r\n"));
    await expect(["hexists", "big", "field:2"], (r) => assert.equal(r, ":1\r\n"));
    await expect(["hincrby", "big", "ctr", "5"], (r) => assert.equal(r, ":5\r\n"));
    await expect(["hrandfield", "big"], (r) => assert.ok(r.startsWith("$")));
    await expect(
      ["hrandfield", "big", "10", "withvalues"],
      (r) => assert.ok(r.startsWith("*20\r\n")),
    );
    await expect(["hrandfield", "big", "-10"], (r) => assert.ok(r.startsWith("*10\r\n")));
    await expect(["hscan", "big", "0", "count", "100"], (r) => {
      const parts = bulks(r);
      assert.notEqual(parts[0], "0");
      assert.equal(parts.length, 201);
    });
    await expect(
      ["hmget", "big", "field:5", "nope"],
      (r) => assert.equal(r, "*2\r\n$5\r\nvalue\r\n$-1\r\n"),
    );
  });
});
