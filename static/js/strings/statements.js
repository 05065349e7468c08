// Strings of what each speaker said (issue 14 §5): the secretary's summary of each turn, in
// the console beside the speakers' list and on the minutes page.

export const STATEMENTS = {
  'statement.title': { vi: 'Tóm tắt ý kiến', en: 'Summary of what was said' },
  'statement.hint': {
    vi: 'Ý kiến của từng lượt phát biểu về nội dung đang thảo luận; biên bản ghi dưới mục "Ý kiến phát biểu" đúng như đã nhập.',
    en: 'What each speaker said on the item under discussion; the minutes print it under "Ý kiến phát biểu" as typed.',
  },
  'statement.of': { vi: 'Tóm tắt ý kiến của {name}', en: 'Summary of what {name} said' },
  'statement.placeholder': { vi: 'Tóm tắt ý kiến phát biểu…', en: 'Summary of what was said…' },
  'statement.count': { vi: '{n}/{max} ký tự', en: '{n}/{max} characters' },
  'statement.item_turns': { vi: 'Ý kiến phát biểu', en: 'What the speakers said' },
  'statement.items': { vi: 'Nội dung họp: ý kiến phát biểu và kết luận', en: 'Agenda items: what was said and the conclusions' },
  'statement.conclusion': { vi: 'Kết luận', en: 'Conclusion' },
  'statement.conclusion_of': { vi: 'Kết luận: {title}', en: 'Conclusion: {title}' },
};
