#!/usr/bin/env python3
"""Float64 numpy replica of TKTesting's tiny llama fixture (seed 42, defaults), used to choose the
node spacing of integrated gradients over input tokens (IntegratedGradients.nodesNearZeroBaseline)
and to predict the completeness gap GradientPassTests.tokenAttributionsAddUpToTheDifferenceOfEndpoints
checks. It regenerates the weights with TKRandom's SplitMix64 exactly as TinyModel does, runs the
forward pass in float64, and integrates d/dα f(α·e) with the trapezoid rule on equal steps and on
nodes spaced evenly in log α. Measured: f(1) − f(0) = −13.8224 (the Swift pass gives −13.8224);
64 equal steps: gap −320,785, 2.3·10⁴ × that (the Swift pass: −320,778); 8 nodes per decade over 12 decades: 0.27%; 16: 0.06%.
Usage: python3 scripts/checks/ig_token_grid.py (numpy; about a minute).
"""
# Replica of TinyModel (llama, defaults) in float64 numpy, to study token-IG quadrature near the zero baseline.
import numpy as np
M=(1<<64)-1
class R:
    def __init__(s,seed): s.s=seed
    def next(s):
        s.s=(s.s+0x9E3779B97F4A7C15)&M; z=s.s
        z=((z^(z>>30))*0xBF58476D1CE4E5B9)&M; z=((z^(z>>27))*0x94D049BB133111EB)&M
        return z^(z>>31)
    def uniform(s): return np.float32((s.next()>>40)/float(1<<23)-1)
L,D,H,NH,NKV,V=2,32,64,4,2,40; hd=D//NH; eps=1e-5; base=10000.0
r=R(42); W={}
def mat(n,rows,cols,scale): W[n]=np.array([r.uniform()*np.float32(scale) for _ in range(rows*cols)],dtype=np.float32).astype(np.float64).reshape(rows,cols)
def vec(n,count,c,sp): W[n]=np.array([np.float32(c)+r.uniform()*np.float32(sp) for _ in range(count)],dtype=np.float32).astype(np.float64)
mat("emb",V,D,1)
for l in range(L):
    p=f"{l}."
    vec(p+"an",D,1,0.2); mat(p+"q",NH*hd,D,0.3); mat(p+"k",NKV*hd,D,0.3); mat(p+"v",NKV*hd,D,0.3); mat(p+"o",D,NH*hd,0.3)
    vec(p+"fn",D,1,0.2); mat(p+"g",H,D,0.3); mat(p+"u",H,D,0.3); mat(p+"d",D,H,0.3)
vec("on",D,1,0.2)
def rms(x,w): return x/np.sqrt((x*x).mean(-1,keepdims=True)+eps)*w
def rope(x,nh):
    T=x.shape[0]; x=x.reshape(T,nh,hd).copy()
    for t in range(T):
        for i in range(hd//2):
            a=np.float32(t)*np.float32(1/np.float32(base)**np.float32(2*i/hd)); c,s=np.cos(a),np.sin(a)
            x0=x[t,:,2*i].copy(); x1=x[t,:,2*i+1].copy()
            x[t,:,2*i]=x0*c-x1*s; x[t,:,2*i+1]=x0*s+x1*c
    return x.reshape(T,nh*hd)
def f(tokens,targets,alpha):
    x=W["emb"][tokens]*alpha; T=len(tokens)
    for l in range(L):
        p=f"{l}."; h=rms(x,W[p+"an"]); q=rope(h@W[p+"q"].T,NH); k=rope(h@W[p+"k"].T,NKV); v=h@W[p+"v"].T
        out=np.zeros((T,NH*hd))
        for hh in range(NH):
            g=hh//(NH//NKV); S=q[:,hh*hd:(hh+1)*hd]@k[:,g*hd:(g+1)*hd].T/np.sqrt(hd)
            S=S+np.triu(np.full((T,T),-np.inf),1); P=np.exp(S-S.max(1,keepdims=True)); P/=P.sum(1,keepdims=True)
            out[:,hh*hd:(hh+1)*hd]=P@v[:,g*hd:(g+1)*hd]
        x=x+out@W[p+"o"].T; h2=rms(x,W[p+"fn"]); gg=h2@W[p+"g"].T; u=h2@W[p+"u"].T
        x=x+(gg/(1+np.exp(-gg))*u)@W[p+"d"].T
    lg=rms(x,W["on"])@W["emb"].T
    lz=lg.max(1)+np.log(np.exp(lg-lg.max(1,keepdims=True)).sum(1))
    return sum(lg[pos,tok]-lz[pos] for pos,tok in targets)
tokens=[3,17,5,9,22,1,30,12]; targets=[(5,30),(6,12)]  # GradientPassTests.tokenAttributions…: continuation [30, 12] after 6

def fp(a):
    """d/dα f(α·e) = Σ e·∇f(α·e): the token-IG integrand summed over tokens (central difference, relative step 1e-4)."""
    h=max(a*1e-4,1e-14)
    return (f(tokens,targets,a+h)-f(tokens,targets,max(a-h,0)))/(a+h-max(a-h,0))

def trap(nodes):
    w=[((nodes[j]-nodes[j-1]) if j>0 else 0)/2+((nodes[j+1]-nodes[j]) if j+1<len(nodes) else 0)/2 for j in range(len(nodes))]
    return sum(wj*fp(a) for wj,a in zip(w,nodes))

f1,f0=f(tokens,targets,1.0),f(tokens,targets,0.0)
print("f(1) - f(0) =",f1-f0)
g=trap([j/64 for j in range(65)])-(f1-f0); print("64 equal steps: gap",g,"relative",g/(f1-f0))
for per in [8,16]:
    nodes=[0]+[10**(-12+i/per) for i in range(12*per+1)]
    g=trap(nodes)-(f1-f0); print(per,"nodes per decade from 1e-12:",len(nodes),"nodes, gap",g,"relative",g/(f1-f0))
