import type { Rng } from './prng.ts';

// The tables below are laid out by hand, several entries a line (`prettier-ignore` keeps them so).

/** Chinese syllables used for place names, with their pinyin (no tones). */
// prettier-ignore
const PLACE_FIRST: ReadonlyArray<readonly [string, string]> = [
  ['东', 'dong'], ['西', 'xi'], ['南', 'nan'], ['北', 'bei'], ['大', 'da'], ['小', 'xiao'], ['长', 'chang'],
  ['石', 'shi'], ['沙', 'sha'], ['山', 'shan'], ['海', 'hai'], ['龙', 'long'], ['凤', 'feng'], ['桥', 'qiao'],
  ['塘', 'tang'], ['浦', 'pu'], ['港', 'gang'], ['岭', 'ling'], ['湾', 'wan'], ['竹', 'zhu'], ['梅', 'mei'],
  ['桃', 'tao'], ['柳', 'liu'], ['金', 'jin'], ['新', 'xin'], ['黄', 'huang'], ['白', 'bai'], ['青', 'qing'],
  ['双', 'shuang'], ['前', 'qian'], ['后', 'hou'], ['上', 'shang'], ['下', 'xia'], ['田', 'tian'], ['泥', 'ni'],
  ['蒲', 'pu'], ['渔', 'yu'], ['盐', 'yan'], ['礁', 'jiao'], ['岙', 'ao'], ['峰', 'feng'], ['平', 'ping'],
  ['安', 'an'], ['丰', 'feng'], ['福', 'fu'], ['华', 'hua'], ['兴', 'xing'], ['永', 'yong'], ['和', 'he'],
];
// prettier-ignore
const PLACE_SECOND: ReadonlyArray<readonly [string, string]> = [
  ['岙', 'ao'], ['塘', 'tang'], ['浦', 'pu'], ['港', 'gang'], ['湾', 'wan'], ['山', 'shan'], ['岭', 'ling'],
  ['头', 'tou'], ['门', 'men'], ['桥', 'qiao'], ['沙', 'sha'], ['峰', 'feng'], ['林', 'lin'], ['田', 'tian'],
  ['滩', 'tan'], ['峙', 'zhi'], ['礁', 'jiao'], ['岛', 'dao'], ['坑', 'keng'], ['庄', 'zhuang'], ['溪', 'xi'],
  ['园', 'yuan'], ['家', 'jia'], ['平', 'ping'], ['丰', 'feng'], ['安', 'an'], ['宁', 'ning'], ['嘴', 'zui'],
];

/** Joins pinyin syllables the way place names are romanised: "Xi'ao", "Dongsha". */
export function joinPinyin(syllables: string[]): string {
  const word = syllables.map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s)).join('');
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Unique two-syllable place names: `{zh, en}` where en is the pinyin word. */
export function placeNames(rng: Rng, count: number, taken: Set<string>): Array<{ zh: string; pinyin: string }> {
  const out: Array<{ zh: string; pinyin: string }> = [];
  let guard = 0;
  while (out.length < count) {
    if (++guard > 100_000) throw new Error('ran out of place names');
    const [a, pa] = rng.pick(PLACE_FIRST);
    const [b, pb] = rng.pick(PLACE_SECOND);
    if (a === b) continue;
    const zh = a + b;
    if (taken.has(zh)) continue;
    taken.add(zh);
    out.push({ zh, pinyin: joinPinyin([pa, pb]) });
  }
  return out;
}

/** Common surnames, roughly by frequency (the heavier ones first). */
// prettier-ignore
const SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ['王', 7], ['李', 7], ['张', 7], ['刘', 5], ['陈', 6], ['杨', 3], ['黄', 3], ['赵', 2], ['吴', 3], ['周', 3],
  ['徐', 3], ['孙', 2], ['马', 1], ['朱', 2], ['胡', 2], ['郭', 1], ['何', 1], ['林', 2], ['罗', 1], ['郑', 2],
  ['梁', 1], ['谢', 1], ['宋', 1], ['唐', 1], ['许', 1], ['邵', 1], ['应', 1], ['虞', 1], ['邬', 1], ['金', 1],
  ['蒋', 1], ['沈', 1], ['韩', 1], ['冯', 1], ['董', 1], ['叶', 1], ['方', 1], ['俞', 1], ['傅', 1], ['戴', 1],
];
// prettier-ignore
const GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平',
  '刚', '桂', '英', '华', '建', '国', '海', '波', '红', '玲', '晓', '东', '志', '文', '斌', '宁', '丹', '萍', '辉', '燕',
  '彬', '浩', '佳', '欣', '雪', '琳', '鹏', '飞', '宇', '婷', '亮', '峰', '军', '民', '忠', '国', '春', '慧', '俊', '荣',
];

export function personName(rng: Rng): string {
  const surname = rng.weighted(SURNAMES);
  const given = rng.chance(0.65) ? rng.pick(GIVEN) + rng.pick(GIVEN) : rng.pick(GIVEN);
  return surname + given;
}

// prettier-ignore
const PHONE_PREFIXES = [
  '130', '131', '132', '133', '135', '136', '137', '138', '139', '147', '150', '151', '152', '153', '155', '157',
  '158', '159', '166', '177', '180', '181', '182', '183', '185', '186', '187', '188', '189', '191', '198', '199',
];

/** A mobile number 1[3-9]xxxxxxxxx, unique within `taken`. */
export function phoneNumber(rng: Rng, taken: Set<string>): string {
  for (;;) {
    let n = rng.pick(PHONE_PREFIXES);
    for (let i = 0; i < 8; i++) n += String(rng.int(0, 9));
    if (!taken.has(n)) {
      taken.add(n);
      return n;
    }
  }
}
