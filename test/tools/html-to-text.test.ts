import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEntities, htmlToText } from '../../src/tools/html-to-text.ts';

const PAGE = `<!DOCTYPE html>
<html><head><title>Release &amp; Notes</title>
<style>body { color: red } .hidden-style-rule {}</style>
<script>var secretScript = "<p>not text</p>";</script></head>
<body>
<nav><a href="/home">NavHome</a> <a href="/about">NavAbout</a></nav>
<h1>Main   heading</h1>
<p>Read <a href="/docs/intro">the intro</a> and call <code>start()</code>.</p>
<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>
<ol start="3"><li>third</li><li>fourth</li></ol>
<pre><code>if (a &lt; b) {
    return   1;
}</code></pre>
<table><tr><th>Name</th><th>Size</th></tr><tr><td>a.txt</td><td>3</td></tr></table>
<p>See <a href="https://example.org/">https://example.org/</a> and <a href="#top">top</a>.</p>
</body></html>`;

test('headings, paragraphs, lists, code blocks and tables become readable text', () => {
  const { title, text } = htmlToText(PAGE, 'http://127.0.0.1:9/base/page.html');
  assert.equal(title, 'Release & Notes');
  assert.equal(
    text,
    [
      '# Main heading',
      '',
      'Read the intro (http://127.0.0.1:9/docs/intro) and call `start()`.',
      '',
      '- one',
      '- two',
      '  - nested',
      '',
      '3. third',
      '4. fourth',
      '',
      '```',
      'if (a < b) {',
      '    return   1;',
      '}',
      '```',
      '',
      'Name | Size',
      'a.txt | 3',
      '',
      'See https://example.org/ and top.',
    ].join('\n'),
  );
});

test('scripts, styles and navigation are dropped', () => {
  const { text } = htmlToText(PAGE);
  for (const hidden of ['secretScript', 'not text', 'hidden-style-rule', 'NavHome', 'NavAbout']) {
    assert.ok(!text.includes(hidden), `"${hidden}" leaked into the text`);
  }
});

test('a page without a closing head tag still has its body', () => {
  const { text } = htmlToText('<html><head><meta charset="utf-8"><title>T</title><body><p>Body text</p>');
  assert.equal(text, 'Body text');
});

test('a quoted > inside an attribute does not end the tag', () => {
  const { text } = htmlToText('<p title="a > b">visible</p><a href="/x?a=1&amp;b=2">q</a>', 'http://h.test/');
  assert.equal(text, 'visible\n\nq (http://h.test/x?a=1&b=2)');
});

test('entities are decoded: named, decimal, hexadecimal; unknown ones are left alone', () => {
  assert.equal(decodeEntities('&lt;a&gt; &quot;b&quot; &#169; &#x2014; &hellip; &bogus; &constructor;'), '<a> "b" © — … &bogus; &constructor;');
});

test('unterminated constructs end the text instead of looping or throwing', () => {
  assert.equal(htmlToText('<p>before</p><!-- never closed').text, 'before');
  assert.equal(htmlToText('<p>before</p><script>var x = 1;').text, 'before');
  assert.equal(htmlToText('a < b and c').text, 'a < b and c');
});
